import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { extractBlocks } from "./readme/extract";
import { type BlockResult, checkMarkdown, markdownFiles } from "./readme-blocks";
import { root } from "./workspace";

describe("extractBlocks", () => {
  test("reads the language, the mode, probes and a named file; keeps line numbers", () => {
    const blocks = extractBlocks(
      [
        "# Title",
        "```ts run probe=/,/users/1",
        "// src/server.ts",
        "const a = 1;",
        "```",
        "````md",
        "```ts",
        "not a block of its own",
        "```",
        "````",
        "```html",
        "<!-- views/home.html -->",
        "<p>hi</p>",
        "```",
        "```sh",
        "bun add x",
        "```",
      ].join("\n"),
      "README.md",
    );
    expect(blocks.map((b) => [b.line, b.lang, b.mode, b.name, b.probes])).toEqual([
      [2, "ts", "run", "src/server.ts", ["/", "/users/1"]],
      [6, "md", "skip", undefined, []],
      [11, "html", "skip", "views/home.html", []],
      [15, "sh", "skip", undefined, []],
    ]);
    expect(blocks[0]!.code).toBe("// src/server.ts\nconst a = 1;\n");
  });

  test("an unknown word in a code block's info string is an error, not a silent pass", () => {
    expect(() => extractBlocks("```ts fragmnt\nx\n```\n", "README.md")).toThrow('unknown word "fragmnt"');
    expect(() => extractBlocks("```ts probe=/\nx\n```\n", "README.md")).toThrow("probe= needs run");
  });

  test("a line that starts with inline code opens no block (CommonMark: no backtick in the info)", () => {
    const blocks = extractBlocks(
      ["Takes every ```` ```ts ```` and", "```` ```js ```` block:", "```ts", "const a = 1;", "```"].join(
        "\n",
      ),
      "CONTRIBUTING.md",
    );
    expect(blocks.map((b) => [b.line, b.lang, b.code])).toEqual([[3, "ts", "const a = 1;\n"]]);
  });
});

describe("markdownFiles", () => {
  test("covers every README of the repository and every docs/*.md", () => {
    const covered = new Set(markdownFiles());
    const found = [
      ...new Bun.Glob("**/README.md").scanSync({ cwd: root }),
      ...new Bun.Glob("docs/*.md").scanSync({ cwd: root }),
    ].filter((file) => !file.split("/").some((part) => part === "node_modules" || part.startsWith(".")));
    expect(found.length).toBeGreaterThan(15);
    expect(found.filter((file) => !covered.has(file))).toEqual([]);
  });
});

describe("the root README", () => {
  test("its package table links every package", async () => {
    const readme = await Bun.file(path.join(root, "README.md")).text();
    const packages = [...new Bun.Glob("packages/*/package.json").scanSync({ cwd: root })].map((file) =>
      path.dirname(file),
    );
    expect(packages.length).toBeGreaterThan(10);
    const unlinked = packages.filter((dir) => {
      // Names as published: scoped, except the scaffolder (`bun create harpia` needs create-harpia).
      const name: string = JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8")).name;
      return (
        !readme.includes(`| [\`${name}\`](${dir}) |`) &&
        !readme.includes(`| [\`${name}\`](${dir}/README.md) |`)
      );
    });
    expect(unlinked).toEqual([]);
  });
});

describe("checkMarkdown", () => {
  // Inside a package, as a package README is: its blocks resolve @harpia/* and its dependencies.
  const dir = path.join(root, "packages", "core", ".readme-blocks", `fixture-${process.pid}`);
  const readme = path.relative(root, path.join(dir, "README.md"));
  let results: BlockResult[];
  const at = (line: number) => results.find((r) => r.line === line)!;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const lines = [
      "```ts", // 1: a fragment, completed by the shared context
      'app.get("/", (req, res) => res.send("hi"));',
      "```",
      "```ts", // 4: a type error, reported at its README line
      "const n: number = 'text';",
      "```",
      "```ts run probe=/,/b", // 7: a server asking for port 3000 gets port 0; both probes answer
      "// app.ts",
      'import harpia from "@harpia/core";',
      "export const app = harpia();",
      'app.get("/", (req, res) => res.send("ok"));',
      'app.get("/b", (req, res) => res.json({ b: 1 }));',
      "app.listen(3000);",
      "```",
      "```ts run probe=/missing", // 15: a probe that answers 404 fails the block
      'import harpia from "@harpia/core";',
      "harpia().listen(3000);",
      "```",
      "```ts run", // 19: a run block must be complete: `app` exists only for the type-check
      'app.get("/", (req, res) => res.send("x"));',
      "```",
      "```ts run", // 22: a program that never ends fails
      "setInterval(() => {}, 1000);",
      "```",
      "```ts", // 25: imports another block's named file
      'import { app } from "./app";',
      "const handle: { fetch: (r: Request) => Response | Promise<Response> } = app;",
      "```",
      "```ts skip", // 29: shown only
      "preset.on(step, () => { ... });",
      "```",
      "```ts", // 32: the README's own folder's code, imported relatively
      'import { greet, type User } from "./src/user";',
      'const ada: User = { name: "Ada" };',
      "greet(ada);",
      "```",
      "```ts", // 37: ...with its real types
      'import type { User } from "./src/user";',
      "const bob: User = { name: 7 };",
      "```",
    ];
    mkdirSync(path.join(dir, "src"), { recursive: true });
    writeFileSync(
      path.join(dir, "src", "user.ts"),
      'export interface User { name: string }\nexport const greet = (user: User) => "hi " + user.name;\n',
    );
    writeFileSync(path.join(dir, "README.md"), `${lines.join("\n")}\n`);
    results = await checkMarkdown([readme], { runTimeoutMs: 3000, log: () => {} });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("a fragment type-checks against the context; a type error names its README line", () => {
    expect(at(1).problems).toEqual([]);
    expect(at(4).problems).toHaveLength(1);
    expect(at(4).problems[0]).toStartWith(`${readme}:5:`);
    expect(at(4).problems[0]).toContain("TS2322");
  });

  test("a run block serves on port 0 and its probes must answer below 400", () => {
    expect(at(7).problems).toEqual([]);
    expect(at(15).problems).toHaveLength(1);
    expect(at(15).problems[0]).toContain("GET /missing answered 404");
  });

  test("a run block that leans on the context, or never ends, fails", () => {
    expect(at(19).problems[0]).toContain("app is not defined");
    expect(at(22).problems[0]).toContain("did not end within 3 s");
  });

  test("a relative import of a file no block wrote is the README folder's file", () => {
    expect(at(32).problems).toEqual([]);
    expect(at(37).problems).toHaveLength(1);
    expect(at(37).problems[0]).toContain("TS2322");
  });

  test("named files can be imported by other blocks; skip blocks are not checked", () => {
    expect(at(25).problems).toEqual([]);
    expect(at(29).mode).toBe("skip");
    expect(at(29).problems).toEqual([]);
    expect(results.find((r) => r.readme === "(setup)")).toBeUndefined();
  });
});
