import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { harpia } from "@harpia/core";
import { FileRouteError, fileRoutes } from "./index";

const roots: string[] = [];

/** Writes a routes folder of `files` (relative path → source) in a fresh temp dir. */
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "harpia-file-router-"));
  roots.push(root);
  for (const [name, source] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
  return root;
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const route = (key: string, extra = "") =>
  `export default new (class { routes = { ${JSON.stringify(key)}: "run" }; ${extra} run() { return "ok"; } })();`;

async function failure(files: Record<string, string>): Promise<FileRouteError> {
  const error = await fileRoutes({ dir: folder(files) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileRouteError);
  return error as FileRouteError;
}

describe("which files are routes", () => {
  test("dotfiles, dot-folders, tests, specs, .d.ts, node_modules and other extensions are skipped", async () => {
    const poison = 'throw new Error("this file must not be loaded");';
    const root = folder({
      "b.ts": route("get /b"),
      "a/z.ts": route("get /a/z"),
      "a.ts": route("get /a"),
      "c.mjs": route("get /c"),
      ".hidden.ts": poison,
      ".git/x.ts": poison,
      "node_modules/x.ts": poison,
      "__tests__/x.ts": poison,
      "b.test.ts": poison,
      "b.spec.js": poison,
      "types.d.ts": poison,
      "notes.md": poison,
      "data.json": "{}",
    });
    const app = harpia();
    const plugin = await fileRoutes({ dir: root });
    app.use(plugin);
    expect(plugin.routes.map((r) => r.path)).toEqual(["/a", "/a/z", "/b", "/c"]);
    expect(await (await app.request("/a/z")).text()).toBe("ok");
  });

  test("an empty folder registers nothing", async () => {
    expect((await fileRoutes({ dir: folder({}) })).routes).toEqual([]);
  });

  test("a missing folder is a clear error", async () => {
    const error = await fileRoutes({ dir: "/nonexistent/harpia/http" }).catch((e) => e);
    expect(error).toBeInstanceOf(FileRouteError);
    expect(error.message).toContain("routes folder not found: /nonexistent/harpia/http");
  });

  test("options without dir are refused", async () => {
    await expect(fileRoutes({} as never)).rejects.toThrow(/needs the routes folder/);
    await expect(fileRoutes(harpia(), {} as never)).rejects.toThrow(/needs the routes folder/);
  });

  test("bad options are refused with a TypeError naming them", async () => {
    const dir = folder({});
    for (const [options, message] of [
      [{ dir, prfix: "/api" }, 'unknown option "prfix"'],
      [{ dir: 42 }, "fileRoutes({ dir })"],
      [{ dir, prefix: 1 }, "fileRoutes({ prefix })"],
      [{ dir, compatHeaders: "no" }, "fileRoutes({ compatHeaders })"],
      [{ dir, extensions: ["ts"] }, "fileRoutes({ extensions })"],
      [{ dir, ignore: "tests" }, "fileRoutes({ ignore })"],
    ] as const) {
      const error = await fileRoutes(options as never).catch((e) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain(message);
    }
  });
});

describe("start-up errors name the file and the key", () => {
  test("a route naming a missing method", async () => {
    const error = await failure({
      "pets.ts": `export default new (class { routes = { "get /pets": "list" }; })();`,
    });
    expect(error.message).toMatch(
      /pets\.ts: route 'get \/pets' names method 'list', which the class does not define/,
    );
    expect(error.key).toBe("get /pets");
    expect(error.file).toEndWith("pets.ts");
  });

  test("a route naming an inherited Object method is not a method", async () => {
    const error = await failure({
      "a.ts": `export default new (class { routes = { "get /a": "toString" }; })();`,
    });
    expect(error.message).toContain("names method 'toString', which the class does not define");
  });

  test("malformed keys: no path, unknown verb, relative path, value not a string", async () => {
    expect((await failure({ "a.ts": route("get") })).message).toMatch(
      /a\.ts: route key 'get' is malformed: expected "<method> <path>"/,
    );
    expect((await failure({ "a.ts": route("gett /a") })).message).toContain(`unknown method "gett"`);
    expect((await failure({ "a.ts": route("get a") })).message).toContain(`must start with "/"`);
    const notString = await failure({
      "a.ts": `export default new (class { routes = { "get /a": 1 }; })();`,
    });
    expect(notString.message).toContain("route 'get /a' must name a method of the class");
  });

  test("an invalid pattern is reported with core's reason", async () => {
    const error = await failure({ "a.ts": route("get /a/:id([)") });
    expect(error.message).toMatch(
      /a\.ts: route 'get \/a\/:id\(\[\)' has an invalid path: .*invalid constraint/,
    );
  });

  test("the same route in two files names both", async () => {
    const error = await failure({
      "one.ts": route("get /blogs/:id"),
      "two.ts": route("GET /blogs/:slug/"),
    });
    expect(error.message).toMatch(
      /route GET \/blogs\/:slug\/? is declared twice: .*one\.ts \('get \/blogs\/:id'\) and .*two\.ts \('GET \/blogs\/:slug\/'\)/,
    );
  });

  test("different methods or constraints on one path are not duplicates", async () => {
    const root = folder({
      "one.ts": route("get /x/:id(\\\\d+)"),
      "two.ts": route("get /x/:name"),
      "three.ts": route("post /x/:name"),
    });
    expect((await fileRoutes({ dir: root })).routes).toHaveLength(3);
  });

  test("a middleware key naming no route method", async () => {
    const error = await failure({ "a.ts": route("get /a", "middleware = { helo: [] };") });
    expect(error.message).toContain(
      "a.ts: middleware key 'helo' names no route method of this file (routed: run)",
    );
    expect(error.key).toBe("helo");
  });

  test("middleware that is not a function", async () => {
    const error = await failure({ "a.ts": route("get /a", `middleware = { "*": ["auth"] };`) });
    expect(error.message).toContain("middleware '*' item #1 is not a function");
    const notArray = await failure({ "a.ts": route("get /a", `middleware = { "*": 42 };`) });
    expect(notArray.message).toContain("middleware '*' must be an array of functions");
  });

  test("bad default exports", async () => {
    expect((await failure({ "a.ts": "export const x = 1;" })).message).toContain(
      "a.ts: has no default export",
    );
    expect((await failure({ "a.ts": "export default function () {}" })).message).toContain(
      "the default export is a function",
    );
    expect((await failure({ "a.ts": "export default 42;" })).message).toContain("must be a route class");
    expect((await failure({ "a.ts": "export default new (class {})();" })).message).toContain(
      "the route class has no `routes` map",
    );
    const throwing = await failure({
      "a.ts": `export default class { constructor() { throw new Error("no db"); } }`,
    });
    expect(throwing.message).toContain("constructing the default-exported class failed: no db");
  });

  test("a file that does not load", async () => {
    const error = await failure({ "broken.ts": "export default new (class { routes = { ;" });
    expect(error.message).toMatch(/broken\.ts: cannot be loaded/);
    expect(error.cause).toBeDefined();
  });

  test("a clash with a route already on the app names the file and leaves the app untouched", async () => {
    const app = harpia();
    app.get("/taken", () => "app");
    const plugin = await fileRoutes({
      dir: folder({ "free.ts": route("get /free"), "mine.ts": route("get /taken") }),
    });
    let error: unknown;
    try {
      app.use(plugin);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileRouteError);
    expect((error as Error).message).toMatch(
      /mine\.ts: route 'get \/taken' clashes with a route already on the app/,
    );
    expect(app.hasPlugin("@harpia/file-router")).toBe(false);
    // Nothing of the folder was registered: the app still compiles and serves what it had.
    expect(await (await app.request("/taken")).text()).toBe("app");
    expect((await app.request("/free")).status).toBe(404);
  });

  test("a clash only compilation sees (an optional parameter's variant) still names the file", async () => {
    const app = harpia();
    app.get("/docs/:page?", () => "app");
    const plugin = await fileRoutes({ dir: folder({ "docs.ts": route("get /docs") }) });
    expect(() => app.use(plugin)).toThrow(
      /docs\.ts: route 'get \/docs' clashes with a route already on the app/,
    );
  });

  test("nothing is loaded into any app when any file is invalid", async () => {
    const root = folder({ "a.ts": route("get /a"), "b.ts": route("get /b", "middleware = { nope: [] };") });
    const app = harpia();
    await fileRoutes(app, { dir: root }).catch(() => {}); // the deprecated form too
    expect((await app.request("/a")).status).toBe(404);
    await expect(fileRoutes({ dir: root })).rejects.toBeInstanceOf(FileRouteError);
  });
});
