import { beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { type Harpia, harpia, isPlugin, Router } from "@harpia/core";
import { type FileRoutesOptions, fileRoutes, type LoadedRoute } from "./index";

const SEED = path.join(import.meta.dir, "../fixtures/seed/http");
const AUTH = { authorization: "abc123" };

/** The one way: `app.use(await fileRoutes(options))`; returns the routes the plugin registered. */
async function install(app: Harpia, options: FileRoutesOptions): Promise<readonly LoadedRoute[]> {
  const plugin = await fileRoutes(options);
  app.use(plugin);
  return plugin.routes;
}

async function json(response: Response): Promise<any> {
  return response.json();
}

describe("the seed's http folder", () => {
  let app: Harpia;
  let loaded: readonly LoadedRoute[];

  beforeAll(async () => {
    app = harpia({ logErrors: false });
    loaded = await install(app, { dir: SEED });
  });

  test("anatomy example: the '*' middleware guards the route, the method answers", async () => {
    expect((await app.request("/hello/world")).status).toBe(401);
    const ok = await app.request("/hello/world", { headers: AUTH });
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual({ message: "hello world" });
  });

  test("regex route 'get /pets/(dog|cat)' matches only the alternatives, with this bound", async () => {
    expect(await json(await app.request("/pets/dog"))).toEqual({ kind: "dog", sound: "woof" });
    expect(await json(await app.request("/pets/cat"))).toEqual({ kind: "cat", sound: "meow" });
    expect((await app.request("/pets/cow")).status).toBe(404);
    expect(await json(await app.request("/pets/bird/tweety"))).toEqual({ kind: "bird", name: "tweety" });
    expect((await app.request("/pets/cow/daisy")).status).toBe(404);
  });

  test("param routes, constrained params, and a class default export", async () => {
    expect(await json(await app.request("/blogs/7"))).toEqual({ id: "7", title: "Seven" });
    expect((await app.request("/blogs/8")).status).toBe(404);
    expect(await json(await app.request("/blogs/7/comments/12"))).toEqual({ blog: "7", comment: 12 });
    expect((await app.request("/blogs/7/comments/twelve")).status).toBe(404);
  });

  test("middleware example 1: '*' applies to every route of the file", async () => {
    expect((await app.request("/p1/hello")).status).toBe(401);
    expect((await app.request("/p1/other")).status).toBe(401);
    expect(await (await app.request("/p1/other", { headers: AUTH })).text()).toBe("other");
  });

  test("middleware example 2: a method name applies to that route only", async () => {
    expect((await app.request("/p2/hello")).status).toBe(401);
    expect(await (await app.request("/p2/other")).text()).toBe("other");
  });

  test("middleware example 3: `hello: []` after '*' removes it for hello", async () => {
    expect(await (await app.request("/p3/hello")).text()).toBe("hello");
    expect((await app.request("/p3/other")).status).toBe(401);
  });

  test("middleware example 4: several middleware run in order", async () => {
    const denied = await app.request("/p4/hello");
    expect(denied.status).toBe(401);
    expect(denied.headers.get("x-common")).toBe("yes"); // common ran before authorized refused
    const ok = await app.request("/p4/hello", { headers: AUTH });
    expect(await ok.text()).toBe("hello");
    expect(ok.headers.get("x-common")).toBe("yes");
  });

  test("precedence is top to bottom: a later '*' replaces an earlier `hello: []`", async () => {
    expect((await app.request("/p5/hello")).status).toBe(401);
  });

  test("request parsers: JSON and urlencoded bodies in req.body", async () => {
    const fromJson = await app.request("/parse/body", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "exa", type: "framework" }),
    });
    expect(await json(fromJson)).toEqual({ body: { name: "exa", type: "framework" } });
    const fromForm = await app.request("/parse/body", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=exa&type=framework",
    });
    expect(await json(fromForm)).toEqual({ body: { name: "exa", type: "framework" } });
  });

  test("request parsers: multipart fields in req.body, files in req.files", async () => {
    const form = new FormData();
    form.append("title", "my cat");
    form.append("cat", new File([new Uint8Array(1024)], "cool_cat.jpg", { type: "image/jpeg" }));
    const response = await app.request("/parse/upload", { method: "POST", body: form });
    expect(await json(response)).toEqual({
      body: { title: "my cat" },
      files: [{ fieldname: "cat", originalname: "cool_cat.jpg", mimetype: "image/jpeg", size: 1024 }],
    });
  });

  test("every verb, `all`, upper-case keys, HEAD through GET", async () => {
    for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const response = await app.request("/verbs", { method });
      expect(await json(response)).toEqual({ method, file: "verbs" });
    }
    const head = await app.request("/verbs", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(await json(await app.request("/anything", { method: "PUT" }))).toEqual({
      method: "PUT",
      file: "verbs",
    });
  });

  test("a thrown or rejected handler reaches the app's error handler", async () => {
    const thrown = await app.request("/fail/throw");
    expect(thrown.status).toBe(500);
    expect((await json(thrown)).message).toBe("Internal Server Error");
    expect((await app.request("/fail/reject")).status).toBe(500);
    const teapot = await app.request("/fail/teapot");
    expect(teapot.status).toBe(418);
    expect(await json(teapot)).toMatchObject({ code: "TEAPOT", message: "short and stout" });
    // The app keeps serving after failures.
    expect(await (await app.request("/p2/other")).text()).toBe("other");
  });

  test("a custom error handler sees errors from file routes", async () => {
    const custom = harpia({ logErrors: false });
    const seen: string[] = [];
    custom.setErrorHandler((error, _req, res) => {
      seen.push((error as Error).message);
      return res.status(503).send({ handled: true });
    });
    await install(custom, { dir: SEED });
    const response = await custom.request("/fail/reject");
    expect(response.status).toBe(503);
    expect(seen).toEqual(["async boom"]);
  });

  test("req.headers reads Express style and still is a Headers", async () => {
    const response = await app.request("/headers", { headers: { "x-api-key": "k1" } });
    expect(await json(response)).toEqual({
      property: "k1",
      method: "k1",
      missing: null,
      isHeaders: true,
      has: true,
      keys: ["x-api-key"],
    });
  });

  test("plain .js route files load too", async () => {
    const response = await app.request("/legacy");
    expect(response.headers.get("x-legacy")).toBe("1");
    expect((await json(response)).js).toBe(true);
  });

  test("files are loaded in a stable sorted order and every route is reported", () => {
    const files = [
      ...new Set(loaded.map((r) => `${path.basename(path.dirname(r.file))}/${path.basename(r.file)}`)),
    ];
    expect(files).toEqual([
      "blogs/index.ts",
      "http/errors.ts",
      "http/headers.ts",
      "http/hello.ts",
      "http/legacy.js",
      "http/parsers.ts",
      "http/pets.ts",
      "precedence/all.ts",
      "precedence/both.ts",
      "precedence/except.ts",
      "precedence/one.ts",
      "precedence/reversed.ts",
      "http/verbs.ts",
    ]);
    expect(loaded.find((r) => r.key === "get /hello/world")).toMatchObject({
      method: "GET",
      path: "/hello/world",
      handler: "world",
      middleware: 1,
    });
    expect(loaded.find((r) => r.path === "/p3/hello")?.middleware).toBe(0);
  });
});

describe("options", () => {
  test("prefix mounts every route under a path", async () => {
    const app = harpia();
    const loaded = await install(app, { dir: SEED, prefix: "/api/" });
    expect(loaded.every((r) => r.path.startsWith("/api/"))).toBe(true);
    expect(await json(await app.request("/api/pets/dog"))).toEqual({ kind: "dog", sound: "woof" });
    expect((await app.request("/pets/dog")).status).toBe(404);
  });

  test("a file: URL works as dir", async () => {
    const app = harpia();
    await install(app, { dir: new URL("../fixtures/seed/http/", import.meta.url) });
    expect((await app.request("/pets/cat")).status).toBe(200);
  });

  test("compatHeaders: false leaves core's Headers untouched", async () => {
    const app = harpia();
    await install(app, { dir: SEED, compatHeaders: false });
    const body = await json(await app.request("/headers", { headers: { "x-api-key": "k1" } }));
    expect(body.property).toBeNull();
    expect(body.method).toBe("k1");
    // The seed's middleware then cannot read the header as a property.
    expect((await app.request("/hello/world", { headers: AUTH })).status).toBe(401);
  });

  test("ignore skips files by relative path", async () => {
    const app = harpia();
    const loaded = await install(app, { dir: SEED, ignore: (p) => p.startsWith("precedence") });
    expect(loaded.some((r) => r.file.includes("precedence"))).toBe(false);
    expect((await app.request("/p1/hello")).status).toBe(404);
  });
});

describe("the plugin", () => {
  test("fileRoutes() resolves to a plugin that lists its routes and touches no app until app.use", async () => {
    const plugin = await fileRoutes({ dir: SEED });
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin.routes.find((r) => r.key === "get /pets/(dog|cat)")).toMatchObject({
      method: "GET",
      handler: "pet",
    });
    expect(Object.isFrozen(plugin.routes)).toBe(true);
    const app = harpia();
    expect((await app.request("/pets/dog")).status).toBe(404);
    app.use(plugin);
    expect(app.hasPlugin("@harpia/file-router")).toBe(true);
    expect(await json(await app.request("/pets/dog"))).toEqual({ kind: "dog", sound: "woof" });
  });

  test("one plugin value serves several apps (the route classes are shared)", async () => {
    const plugin = await fileRoutes({ dir: SEED });
    const [a, b] = [harpia(), harpia()];
    a.use(plugin);
    b.use(plugin);
    a.use(plugin); // the same value twice on one app: installed once
    for (const app of [a, b]) expect((await app.request("/blogs/7")).status).toBe(200);
  });

  test("it is not middleware: router.use() refuses it", async () => {
    const plugin = await fileRoutes({ dir: SEED });
    expect(() => Router("v1").use(plugin as never)).toThrow(/app\.use\(\)/);
  });
});

describe("the deprecated fileRoutes(target, options)", () => {
  test("on an app: installs the plugin and resolves to the routes", async () => {
    const app = harpia();
    const loaded = await fileRoutes(app, { dir: SEED });
    expect(loaded.length).toBeGreaterThan(10);
    expect(app.hasPlugin("@harpia/file-router")).toBe(true);
    expect(await json(await app.request("/blogs/7"))).toEqual({ id: "7", title: "Seven" });
  });

  test("a Router can be the target, and its prefix applies", async () => {
    const app = harpia();
    const v1 = Router("v1");
    await fileRoutes(v1, { dir: SEED });
    app.routes(v1);
    expect(await json(await app.request("/v1/blogs/7"))).toEqual({ id: "7", title: "Seven" });
  });
});
