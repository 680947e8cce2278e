import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { openSocket } from "../test/support/websocket";
import harpia, { Router, type ServerHandle } from "./index";

/** An app whose every answer says which route pattern the request had (`x-route`). */
function makeApp() {
  const app = harpia({ logErrors: false });
  const seen: (string | undefined)[] = [];
  app.addHook("onSend", (req, res) => {
    res.header("x-route", String(req.route));
  });
  app.addHook("onResponse", (req) => {
    seen.push(req.route);
  });
  app.use((req, _res, next) => {
    // App-level middleware sees the pattern too (it runs inside the route's chain).
    req.state.fromMiddleware = req.route;
    return next();
  });
  app.get("/", () => "home");
  app.get("/users/:id", (req) => ({ route: req.route, middleware: req.state.fromMiddleware }));
  app.get("/files/*", () => "file");
  app.get("/posts/:slug?", () => "post");
  app.put("/account", () => "updated");
  const api = Router("api");
  const v1 = Router("v1");
  v1.get("/items/:itemId", (req) => req.route);
  api.routes(v1);
  app.routes(api);
  app.static(path.join(import.meta.dir, "../fixtures/static/public"));
  app.ws("/live/:room", {
    upgrade: (req) => ({ route: req.route }),
    open: (ws) => ws.send(String(ws.data.route)),
  });
  return { app, seen };
}

declare module "./index" {
  interface RequestState {
    fromMiddleware?: string;
  }
}

describe("req.route", () => {
  const { app, seen } = makeApp();

  test("the matched pattern, with every router prefix, seen by middleware, handler and hooks", async () => {
    const res = await app.request("/users/42");
    expect(await res.json()).toEqual({ route: "/users/:id", middleware: "/users/:id" });
    expect(res.headers.get("x-route")).toBe("/users/:id");
    expect(await (await app.request("/api/v1/items/7")).text()).toBe("/api/v1/items/:itemId");
    expect((await app.request("/files/a/b.txt")).headers.get("x-route")).toBe("/files/*");
    expect((await app.request("/posts")).headers.get("x-route")).toBe("/posts/:slug?");
    expect((await app.request("/posts/hello")).headers.get("x-route")).toBe("/posts/:slug?");
    expect((await app.request("/users/42", { method: "HEAD" })).headers.get("x-route")).toBe("/users/:id");
    expect(seen).toContain("/api/v1/items/:itemId");
  });

  test("a method override is routed, and labelled, as the method it asked for", async () => {
    const res = await app.request("/account", {
      method: "POST",
      headers: { "x-http-method-override": "PUT" },
    });
    expect(await res.text()).toBe("updated");
    expect(res.headers.get("x-route")).toBe("/account");
  });

  test("undefined when no route matched: 404, static files, automatic OPTIONS, 405", async () => {
    const missing = await app.request("/nowhere");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-route")).toBe("undefined");
    const file = await app.request("/hello.txt");
    expect(file.status).toBe(200);
    expect(file.headers.get("x-route")).toBe("undefined");
    const options = await app.request("/users/1", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("x-route")).toBe("undefined");
    const notAllowed = await app.request("/users/1", { method: "DELETE" });
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get("x-route")).toBe("undefined");
  });

  describe("over a socket", () => {
    const served = makeApp();
    let handle: ServerHandle;
    beforeAll(() => {
      handle = served.app.listen({ port: 0, hostname: "127.0.0.1" });
    });
    afterAll(() => served.app.close());

    test("routes Bun's native router matched have it too", async () => {
      const res = await fetch(`http://127.0.0.1:${handle.port}/users/5`);
      expect(await res.json()).toEqual({ route: "/users/:id", middleware: "/users/:id" });
      const prefixed = await fetch(`http://127.0.0.1:${handle.port}/api/v1/items/9`);
      expect(await prefixed.text()).toBe("/api/v1/items/:itemId");
    });

    test("WebSocket routes: the upgrade hook sees the pattern", async () => {
      const socket = await openSocket(`ws://127.0.0.1:${handle.port}/live/lobby`);
      expect(await socket.next()).toBe("/live/:room");
      socket.close();
    });
  });
});

describe("app.webSocketCount", () => {
  const app = harpia();
  const closed: number[] = [];
  app.ws("/a", { close: () => void closed.push(1) });
  let handle: ServerHandle;
  beforeAll(() => {
    handle = app.listen({ port: 0, hostname: "127.0.0.1" });
  });
  afterAll(() => app.close());

  test("counts sockets from open to close, and none once the app closed", async () => {
    expect(app.webSocketCount).toBe(0);
    const first = await openSocket(`ws://127.0.0.1:${handle.port}/a`);
    const second = await openSocket(`ws://127.0.0.1:${handle.port}/a`);
    expect(app.webSocketCount).toBe(2);
    first.close();
    await first.closed;
    for (let i = 0; i < 50 && closed.length === 0; i++) await Bun.sleep(5);
    expect(app.webSocketCount).toBe(1);
    await app.close();
    await second.closed;
    expect(app.webSocketCount).toBe(0);
  });
});
