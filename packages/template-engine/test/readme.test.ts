// The README's quick start must run as written: every block that names its file on its first
// line (`// src/server.ts`, `<!-- src/resources/pages/home/page.html -->`, the convention of
// `bun run check:readmes`, read with the same parser) is one project, and that project answers
// its route and renders each of its views.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { extractBlocks } from "../../../scripts/readme/extract";

const packages = path.resolve(import.meta.dir, "../..");
const readme = readFileSync(path.join(import.meta.dir, "../README.md"), "utf8");
const root = mkdtempSync(path.join(tmpdir(), "harpia-readme-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The README's named blocks under `src/`, by file (the checker refuses a name used twice). */
function namedFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const block of extractBlocks(markdown, "packages/template-engine/README.md")) {
    if (block.name === undefined || !block.name.startsWith("src/")) continue;
    if (files.has(block.name)) throw new Error(`The README names ${block.name} twice`);
    files.set(block.name, block.code.slice(block.code.indexOf("\n") + 1));
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
