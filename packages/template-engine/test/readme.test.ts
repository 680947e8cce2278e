// The README's quick start must run as written: every block that names its file
// (`// src/server.ts`, `<!-- src/resources/pages/home/page.html -->`) is one project, and that
// project answers its route and renders each of its views.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const packages = path.resolve(import.meta.dir, "../..");
const readme = readFileSync(path.join(import.meta.dir, "../README.md"), "utf8");
const root = mkdtempSync(path.join(tmpdir(), "harpia-readme-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Fenced blocks whose first line is `// src/...` or `<!-- src/... -->`, by file. */
function namedFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, body] of markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    const first = body!.split("\n", 1)[0]!;
    const name = /^(?:\/\/|<!--)\s*(src\/\S+?)\s*(?:-->)?$/.exec(first)?.[1];
    if (name === undefined) continue;
    if (files.has(name)) throw new Error(`The README names ${name} twice`);
    files.set(name, body!.slice(first.length + 1));
  }
  return files;
}

/** The README's code, made to run here: workspace sources, this project's root, no port. */
function adapt(file: string, source: string): string {
  if (!file.endsWith(".ts")) return source;
  return source
    .replace(
      /from "@harpia\/([\w-]+)"/g,
      (_, pkg) => `from ${JSON.stringify(path.join(packages, pkg, "src/index.ts"))}`,
    )
    .replaceAll("process.cwd()", JSON.stringify(root))
    .replace(/^app\.listen\(.*\);$/m, "export { app };");
}

describe("README quick start", () => {
  const files = namedFiles(readme);
  for (const [file, source] of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), adapt(file, source));
  }

  test("names the engine, the server and a view", () => {
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        "src/template-engine.ts",
        "src/server.ts",
        "src/resources/pages/home/page.html",
      ]),
    );
  });

  test("the server answers GET /books with the rendered view", async () => {
    const { app } = await import(path.join(root, "src/server.ts"));
    const res = await app.request("/books");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<title>Books</title>\n<h1>Books</h1>\n");
  });

  test("every view it names renders with the quick start's engine", async () => {
    const { engine } = await import(path.join(root, "src/template-engine.ts"));
    const views = [...files.keys()].flatMap(
      (file) => /^src\/resources\/pages\/(.+)\/page\.html$/.exec(file)?.[1] ?? [],
    );
    expect(views.length).toBeGreaterThan(1);
    for (const view of views) {
      const html: string = await engine.render(view, { title: "Title", user: { name: "Ada" } });
      expect(html).toContain(view === "home" ? "Title" : "Ada");
    }
  });
});
