import { afterAll, describe, expect, test } from "bun:test";
import { compiledOf } from "./app";
import harpia from "./index";

/**
 * listen() hands plain routes to Bun's native router. Over a real socket, every answer must be
 * the one the JS pipeline (app.fetch) gives.
 */
describe("routes matched by Bun's native router", () => {
  const app = harpia({ logErrors: false });
  const trace: string[] = [];
  app.use("/panel", (req, _res, next) => {
    trace.push(`panel ${req.path}`);
    return next();
  });
  app.get("/users/:id", (req) => ({ id: req.params.id, path: req.path, q: req.query.q ?? null }));
  app.get("/:section/settings", (req) => ({ section: req.params.section }));
  app.get("/pets/:kind(dog|cat)", (req) => ({ constrained: req.params.kind }));
  app.get("/pets/:name", (req) => ({ free: req.params.name }));
  app.post("/account", () => ({ via: "POST" }));
  app.delete("/account", (req) => ({ via: "DELETE", body: req.body }));
  app.post("/echo", (req) => ({ echo: req.body }));
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(new URL(path, server.url), init);
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };

  test("params decoded, path and query available", async () => {
    expect(await get("/users/J%C3%BAlia?q=x")).toEqual({
      status: 200,
      body: { id: "Júlia", path: "/users/J%C3%BAlia", q: "x" },
    });
  });

  test("a malformed escape is still a 400", async () => {
    const { status, body } = await get("/users/%E0%A4%A");
    expect(status).toBe(400);
    expect(body.code).toBe("MALFORMED_URI");
  });

  test("a trailing slash still matches", async () => {
    expect((await get("/users/5/")).body.id).toBe("5");
  });

  test("path-scoped middleware still decides per request", async () => {
    trace.length = 0;
    await get("/panel/settings");
    await get("/other/settings");
    expect(trace).toEqual(["panel /panel/settings"]);
  });

  test("a constrained route still beats a free one", async () => {
    expect((await get("/pets/dog")).body).toEqual({ constrained: "dog" });
    expect((await get("/pets/rex")).body).toEqual({ free: "rex" });
  });

  test("method override still reaches the DELETE handler", async () => {
    const { body } = await get("/account", {
      method: "POST",
      body: new URLSearchParams({ _method: "DELETE", a: "1" }),
    });
    expect(body).toEqual({ via: "DELETE", body: { _method: "DELETE", a: "1" } });
  });

  test("bodies are parsed", async () => {
    const { body } = await get("/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":1}',
    });
    expect(body).toEqual({ echo: { n: 1 } });
  });

  test("automatic 405 and OPTIONS for native paths", async () => {
    const put = await fetch(new URL("/users/1", server.url), { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const options = await fetch(new URL("/users/1", server.url), { method: "OPTIONS" });
    expect(options.status).toBe(204);
  });

  test("routes and middleware added after listen() are served at once", async () => {
    app.get("/late/:x", (req) => ({ late: req.params.x }));
    app.use((_req, res, next) => {
      res.header("x-late-mw", "yes");
      return next();
    });
    const res = await fetch(new URL("/late/1", server.url));
    expect(await res.json()).toEqual({ late: "1" });
    expect(res.headers.get("x-late-mw")).toBe("yes");
    expect((await fetch(new URL("/users/1", server.url))).headers.get("x-late-mw")).toBe("yes");
  });

  test("onRequest hooks still run first", async () => {
    const hooked = harpia();
    hooked.addHook("onRequest", (_req, res) => {
      res.status(503).send("maintenance");
    });
    hooked.get("/x/:id", () => "never");
    const handle = hooked.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const res = await fetch(new URL("/x/1", handle.url));
      expect(res.status).toBe(503);
    } finally {
      await handle.stop(true);
    }
  });
});

describe("pause() and resume()", () => {
  test("answer every request, native routes included, until resumed", async () => {
    const app = harpia();
    app.get("/items/:id", (req) => ({ id: req.params.id }));
    const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      handle.pause(() => new Response("warming up", { status: 503 }));
      expect((await fetch(new URL("/items/1", handle.url))).status).toBe(503);
      expect((await fetch(new URL("/missing", handle.url))).status).toBe(503);
      app.get("/added/while/paused", () => "ok");
      await Bun.sleep(0);
      expect((await fetch(new URL("/items/1", handle.url))).status).toBe(503);
      handle.resume();
      expect(await (await fetch(new URL("/items/1", handle.url))).json()).toEqual({ id: "1" });
      expect(await (await fetch(new URL("/added/while/paused", handle.url))).text()).toBe("ok");
    } finally {
      await handle.stop(true);
    }
  });
});

describe("the size limit of the native table", () => {
  const build = (nativeRoutes?: boolean | number) => {
    const app = harpia({ nativeRoutes });
    for (let i = 0; i < 5; i++) app.get(`/r${i}/:id`, (req) => ({ route: i, id: req.params.id }));
    return app;
  };

  test("by default small apps use it; past the limit, or when off, only the JS router", () => {
    expect(compiledOf(build()).native.size).toBe(5);
    expect(compiledOf(build(4)).native.size).toBe(0);
    expect(compiledOf(build(false)).native.size).toBe(0);
    expect(compiledOf(build(true)).native.size).toBe(5);
  });

  test("the answers are the same either way", async () => {
    for (const setting of [undefined, false, 4]) {
      const handle = build(setting).listen({ port: 0, hostname: "127.0.0.1" });
      try {
        expect(await (await fetch(new URL("/r4/x", handle.url))).json()).toEqual({ route: 4, id: "x" });
        expect((await fetch(new URL("/r4/%E0%A4%A", handle.url))).status).toBe(400);
      } finally {
        await handle.stop(true);
      }
    }
  });
});
