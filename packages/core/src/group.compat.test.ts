// The original @harpiats/core Router surface beyond the seed's examples: getPrefix(), list(),
// wsList() and register(), which apps moved from the original call.
import { describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia, { type Middleware, type NextFunction, Router } from "./index";

// `NextFunction` is the original's name for the `next` type.
const auth: Middleware = (_req, _res, next: NextFunction) => next();
const show = (req: { params: Record<string, string> }) => ({ id: req.params.id });

describe("Router: the original's getPrefix, list, wsList and register", () => {
  test("getPrefix() returns the normalised prefix, or an empty string", () => {
    expect(Router("books").getPrefix()).toBe("/books");
    expect(Router("/books/").getPrefix()).toBe("/books");
    expect(Router().getPrefix()).toBe("");
    expect(harpia().getPrefix()).toBe("");
  });

  test("list() gives method, path (relative to the router's prefix), middleware and controller", () => {
    const books = Router("books");
    books.get("/:id", auth, show);
    books.post("/", show);
    expect(books.list()).toEqual([
      { method: "GET", path: "/:id", handlers: [auth], controller: show, options: {} },
      { method: "POST", path: "/", handlers: [], controller: show, options: {} },
    ]);
  });

  test("list() includes mounted routers under their prefixes; the app lists full paths", () => {
    const v1 = Router("v1");
    v1.get("/users/:id", show);
    const api = Router("api");
    api.routes(v1);
    api.routes(Router().get("/ping", show), "/health");
    const app = harpia();
    app.get("/", show);
    app.routes(api);
    expect(api.list().map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/users/:id", "GET /health/ping"]);
    expect(app.list().map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /",
      "GET /api/v1/users/:id",
      "GET /api/health/ping",
    ]);
  });

  test("list() is a snapshot: changing it changes no route", async () => {
    const app = harpia();
    app.get("/a", () => "a");
    const [route] = app.list();
    route!.path = "/b";
    route!.handlers.push(() => "changed");
    expect(await (await new TestClient(app).get("/a").execute()).text()).toBe("a");
  });

  test("wsList() lists WebSocket routes, mounted ones under their prefixes", () => {
    const handlers = { message() {} };
    const chat = Router("chat");
    chat.ws("/:room", handlers);
    const app = harpia();
    app.ws("/live", handlers);
    app.routes(chat);
    expect(chat.wsList()).toEqual([{ path: "/:room", handlers }]);
    expect(app.wsList()).toEqual([
      { path: "/live", handlers },
      { path: "/chat/:room", handlers },
    ]);
  });

  test("register() with the original's app.routes arguments serves the routes under the prefix", async () => {
    const books = Router("books");
    books.get(
      "/:id",
      (_req, res, next) => {
        res.header("x-auth", "checked");
        return next();
      },
      show,
    );
    books.ws("/chat/live", { message() {} });
    const app = harpia();
    app.register({ routes: books.list(), wsRoutes: books.wsList(), prefix: books.getPrefix() });
    const client = new TestClient(app);
    const res = await client.get("/books/7").execute();
    expect(await res.json()).toEqual({ id: "7" });
    expect(res.headers.get("x-auth")).toBe("checked");
    // The WebSocket route exists: a plain GET to it asks for an upgrade.
    expect((await client.get("/books/chat/live").execute()).status).toBe(426);
    expect(app.wsList().map((r) => r.path)).toEqual(["/books/chat/live"]);
  });

  test("register() keeps route options and accepts lowercase methods and routes without a controller", async () => {
    const app = harpia();
    app.register({
      routes: [
        { method: "post", path: "/small", handlers: [], controller: () => "ok", options: { bodyLimit: 4 } },
        { method: "GET", path: "/only-handlers", handlers: [() => "handlers"] } as never,
      ],
    });
    const client = new TestClient(app);
    expect((await client.post("/small").send("too long").execute()).status).toBe(413);
    expect(await (await client.get("/only-handlers").execute()).text()).toBe("handlers");
  });

  test("register() refuses what is not the original's shape, with a TypeError", () => {
    const app = harpia();
    expect(() => app.register(undefined as never)).toThrow(/routes, wsRoutes\?, prefix\?/);
    expect(() => app.register({ routes: {} } as never)).toThrow(TypeError);
    expect(() => app.register({ routes: [{ path: "/x" }] } as never)).toThrow(/method, a path and handlers/);
    expect(() => app.register({ routes: [{ method: "GET", path: "/x", handlers: [] }] } as never)).toThrow(
      /at least one handler/,
    );
    expect(() => app.register({ routes: [], prefix: 3 } as never)).toThrow(/prefix/);
  });
});
