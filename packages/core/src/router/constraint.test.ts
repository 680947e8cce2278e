import { afterAll, describe, expect, test } from "bun:test";
import harpia from "../index";
import { expandOptional, parsePattern } from "./pattern";
import { TrieRouter } from "./trie-router";

const ok = () => "ok";

function router(routes: string[], options?: ConstructorParameters<typeof TrieRouter>[0]) {
  const r = new TrieRouter<string>(options);
  for (const pattern of routes)
    for (const variant of expandOptional(parsePattern(pattern))) r.add("GET", variant, pattern);
  return (path: string) => {
    const m = r.match("GET", path);
    return m && { route: m.value, params: Object.fromEntries(m.names.map((n, i) => [n, m.values[i]])) };
  };
}

describe("constraints that backtrack catastrophically are refused at registration", () => {
  test.each([
    ["/:k((a+)+b)", "exponential"],
    ["/:k((a|a)*b)", "exponential"],
    ["/:k((\\w+\\s?)+)", "exponential"],
    ["/:k((a*)*)", "exponential"],
    ["/:k((a{0,3})*)", "exponential"],
    ["/x/((x+x+)+y)", "exponential"],
    ["/:k((?=(a+)+b)[a-z]+)", "exponential"],
    ["/:k(.*-.*-.*)", "polynomial"],
    ["/:k(\\d+\\d+\\d+)", "polynomial"],
  ])("%s (%s)", (pattern, kind) => {
    const app = harpia();
    expect(() => app.get(pattern, ok)).toThrow(`Route "${pattern}": invalid constraint "`);
    expect(() => app.get(pattern, ok)).toThrow(`it can take ${kind} time on a path it does not match`);
  });

  test("backreferences and unbalanced constraints are refused with the reason", () => {
    expect(() => harpia().get("/:k((a)\\1)", ok)).toThrow("backreferences are not supported");
    expect(() => harpia().get("/:k(a)|(b)", ok)).toThrow('invalid constraint "(a)|(b)"');
  });

  test("ordinary constraints still work", async () => {
    const app = harpia();
    app.get("/n/:id(\\d+)", (req) => ({ id: req.params.id }));
    app.get("/pets/:kind(dog|cat)", (req) => ({ kind: req.params.kind }));
    app.get("/js/:file([a-z]+\\.js)", (req) => ({ file: req.params.file }));
    app.get("/v/:version(v\\d+(?:\\.\\d+)*)", (req) => req.params);
    app.get("/slug/:slug([a-z0-9]+(?:-[a-z0-9]+)*)", (req) => req.params);
    app.get("/pair/:p(\\d+-\\d+)", (req) => req.params);
    const get = async (path: string) => {
      const res = await app.request(path);
      return res.status === 200 ? res.json() : res.status;
    };
    expect(await get("/n/42")).toEqual({ id: "42" });
    expect(await get("/n/x")).toBe(404);
    expect(await get("/pets/cat")).toEqual({ kind: "cat" });
    expect(await get("/pets/cow")).toBe(404);
    expect(await get("/js/app.js")).toEqual({ file: "app.js" });
    expect(await get("/js/App.js")).toBe(404);
    expect(await get("/v/v1.2.3")).toEqual({ version: "v1.2.3" });
    expect(await get("/slug/a-b-c")).toEqual({ slug: "a-b-c" });
    expect(await get("/pair/1-2")).toEqual({ p: "1-2" });
  });
});

describe("segment length reaching a constraint", () => {
  test("a segment longer than constraintMaxLength (default 256) does not match a constrained param", async () => {
    const app = harpia();
    app.get("/n/:id(\\d+)", (req) => ({ constrained: req.params.id.length }));
    app.get("/m/:id(\\d+)", (req) => ({ constrained: req.params.id.length }));
    app.get("/m/:any", (req) => ({ free: req.params.any.length }));
    expect(await (await app.request(`/n/${"1".repeat(256)}`)).json()).toEqual({ constrained: 256 });
    expect((await app.request(`/n/${"1".repeat(257)}`)).status).toBe(404);
    // An unconstrained route still takes it.
    expect(await (await app.request(`/m/${"1".repeat(300)}`)).json()).toEqual({ free: 300 });
  });

  test("404 and 405 answers are bounded the same way", async () => {
    const app = harpia();
    app.get("/n/:id(\\d+)", ok);
    expect((await app.request(`/n/${"1".repeat(10)}`, { method: "POST" })).status).toBe(405);
    expect((await app.request(`/n/${"1".repeat(300)}`, { method: "POST" })).status).toBe(404);
  });

  test("configurable per app and per router", async () => {
    const app = harpia({ constraintMaxLength: 1000 });
    app.get("/n/:id(\\d+)", (req) => ({ length: req.params.id.length }));
    expect(await (await app.request(`/n/${"1".repeat(900)}`)).json()).toEqual({ length: 900 });
    const match = router(["/n/:id(\\d+)"], { constraintMaxLength: 3 });
    expect(match("/n/123")?.params).toEqual({ id: "123" });
    expect(match("/n/1234")).toBeNull();
    expect(() => new TrieRouter({ constraintMaxLength: 0 })).toThrow("TrieRouter: constraintMaxLength");
  });
});

describe("a / inside a constraint", () => {
  test("does not split the pattern: the constraint stays one segment", () => {
    expect(parsePattern("/user/:id([^/]+)/*").map((s) => s.kind)).toEqual(["static", "param", "wildcard"]);
    expect(parsePattern("/a/:x([)/]+)/b").map((s) => s.kind)).toEqual(["static", "param", "static"]);
    expect(parsePattern("/a/([^/]+)").map((s) => s.kind)).toEqual(["static", "param"]);
  });

  test("[^/]+ matches within one segment", () => {
    const match = router(["/user/:id([^/]+)/*"]);
    expect(match("/user/42/a/b")).toEqual({ route: "/user/:id([^/]+)/*", params: { id: "42", "*": "a/b" } });
  });

  test("a constraint that can match / takes several segments, the longest that leads to a route", () => {
    const match = router([
      "/js/:file([a-z0-9/]+\\.js)",
      "/js/main.js",
      "/:dirs(.+)/file.html",
      "/:first(.+)/middle-a/:reference?",
      "/:first(.+)/middle-b/end-c/:uuid",
      "/:first(.+)/middle-b/:digest",
      "/:prefix(.+)/contents/:id?",
    ]);
    expect(match("/js/main.js")?.route).toBe("/js/main.js");
    expect(match("/js/app.js")?.params).toEqual({ file: "app.js" });
    expect(match("/js/chunk/nest/123.js")?.params).toEqual({ file: "chunk/nest/123.js" });
    expect(match("/js/Chunk/1.js")).toBeNull();
    expect(match("/a/b/c/d/file.html")?.params).toEqual({ dirs: "a/b/c/d" });
    expect(match("/part1/middle-b/latest")).toEqual({
      route: "/:first(.+)/middle-b/:digest",
      params: { first: "part1", digest: "latest" },
    });
    expect(match("/part1/middle-b/end-c/latest")).toEqual({
      route: "/:first(.+)/middle-b/end-c/:uuid",
      params: { first: "part1", uuid: "latest" },
    });
    expect(match("/foo/bar/contents")?.params).toEqual({ prefix: "foo/bar" });
    expect(match("/foo/bar/contents/123")?.params).toEqual({ prefix: "foo/bar", id: "123" });
  });

  describe("through the app, with Bun's native router and path-scoped middleware", () => {
    const app = harpia();
    app.use("/js/chunk", (_req, res, next) => {
      res.header("x-chunk", "yes");
      return next();
    });
    app.get("/js/:file([a-z0-9/]+\\.js)", (req) => ({ file: req.params.file }));
    app.get("/js/:a/:b", (req) => ({ a: req.params.a, b: req.params.b }));
    const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    afterAll(() => handle.stop(true));

    test.each([["fetch"], ["socket"]])("over %s: the spanning route wins where it matches", async (via) => {
      const get = (path: string) => (via === "fetch" ? app.request(path) : fetch(new URL(path, handle.url)));
      const chunk = await get("/js/chunk/1.js");
      expect(await chunk.json()).toEqual({ file: "chunk/1.js" });
      expect(chunk.headers.get("x-chunk")).toBe("yes");
      const other = await get("/js/other/1.js");
      expect(await other.json()).toEqual({ file: "other/1.js" });
      expect(other.headers.get("x-chunk")).toBeNull();
      expect(await (await get("/js/X/Y")).json()).toEqual({ a: "X", b: "Y" });
      const post = await (via === "fetch"
        ? app.request("/js/a/b.js", { method: "POST" })
        : fetch(new URL("/js/a/b.js", handle.url), { method: "POST" }));
      expect(post.status).toBe(405);
    });
  });
});
