import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HANDSHAKE_HEADERS, openSocket, rawHandshake, TestSocket } from "../../test/support/websocket";
import { harpia } from "../app";
import { HttpError } from "../errors";
import { Router } from "../group";
import type { ServerHandle } from "../server";
import type { PubSubAdapter } from "./types";

describe("WebSocket routes over a real socket", () => {
  const logged: unknown[] = [];
  const app = harpia({ logErrors: (error) => logged.push(error) });
  const seenByMiddleware: string[] = [];
  const hooked: string[] = [];
  let handle: ServerHandle;
  let base: string;

  app.addHook("onRequest", (req) => {
    hooked.push(req.path);
  });
  app.use((req, _res, next) => {
    seenByMiddleware.push(req.path);
    return next();
  });
  app.use("/private", (req, res, next) => {
    if (req.query.token !== "letmein") return res.status(401).json({ error: "token required" });
    return next();
  });

  app.ws("/rooms/:room", {
    open(ws) {
      ws.send(
        JSON.stringify({
          params: ws.data.params,
          query: ws.data.query,
          theme: ws.data.cookies.get("theme") ?? null,
        }),
      );
    },
  });

  app.ws("/echo", {
    message(ws, message) {
      ws.send(typeof message === "string" ? `echo:${message}` : `bytes:${message.byteLength}`);
    },
  });

  app.ws("/auth", {
    upgrade(req) {
      const token = req.header("authorization");
      if (token === null) throw new HttpError(401, "Sign in first", { code: "UNAUTHORIZED" });
      if (token !== "Bearer good") return new Response("Forbidden", { status: 403 });
      return { user: "alice" };
    },
    open(ws) {
      ws.send(`hello ${ws.data.user}`);
    },
  });

  app.ws("/async-upgrade", {
    async upgrade(req, res) {
      await Bun.sleep(1);
      res.cookie("ws_session", "s1", { httpOnly: true });
      res.header("x-room", req.query.room ?? "none");
      return { joinedAt: 42 };
    },
    open(ws) {
      ws.send(String(ws.data.joinedAt));
    },
  });

  app.ws("/private/feed", {
    open(ws) {
      ws.send("private ok");
    },
  });

  app.ws("/chat/:room", {
    open(ws) {
      ws.subscribe(`room:${ws.data.params.room}`);
      ws.send("joined");
    },
    message(ws, message) {
      app.publish(`room:${ws.data.params.room}`, `${ws.data.params.room}> ${String(message)}`);
    },
  });

  const errorsSeen: string[] = [];
  app.ws("/faulty", {
    message(ws, message) {
      if (message === "sync") throw new Error("sync failure");
      if (message === "async") return Promise.reject(new Error("async failure"));
      ws.send(`fine:${String(message)}`);
    },
    error(_ws, error) {
      errorsSeen.push((error as Error).message);
    },
  });

  app.ws("/unhandled", {
    message(ws, message) {
      if (message === "boom") throw new Error("nobody handles this");
      ws.send(`fine:${String(message)}`);
    },
  });

  const api = Router("api");
  const nested = Router("v1");
  nested.ws("/stream/:id", {
    open(ws) {
      ws.send(`stream ${ws.data.params.id}`);
    },
  });
  api.routes(nested);
  app.routes(api);

  app.get("/both", (_req, res) => res.send("plain page"));
  app.ws("/both", {
    open(ws) {
      ws.send("socket side");
    },
  });
  app.post("/only-post", (_req, res) => res.send("posted"));

  beforeAll(() => {
    handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    base = `ws://127.0.0.1:${handle.port}`;
  });
  afterAll(async () => {
    await app.stop(true);
  });

  test("ws.data holds decoded params, the query and the cookies of the upgrade request", async () => {
    const client = await openSocket(`${base}/rooms/caf%C3%A9?lang=pt&lang=en&x=1`, { cookie: "theme=dark" });
    expect(JSON.parse(await client.next())).toEqual({
      params: { room: "café" },
      query: { lang: "pt", x: "1" },
      theme: "dark",
    });
    client.close();
  });

  test("messages reach the route's message handler, text and binary", async () => {
    const client = await openSocket(`${base}/echo`);
    client.send("hi");
    expect(await client.next()).toBe("echo:hi");
    client.send(new Uint8Array([1, 2, 3]));
    expect(await client.next()).toBe("bytes:3");
    client.close();
  });

  test("router.ws works under nested prefixes", async () => {
    const client = await openSocket(`${base}/api/v1/stream/7`);
    expect(await client.next()).toBe("stream 7");
    client.close();
  });

  test("the app's middleware and onRequest hooks run on the upgrade request", async () => {
    const client = await openSocket(`${base}/echo?probe=middleware`);
    expect(seenByMiddleware).toContain("/echo");
    expect(hooked).toContain("/echo");
    client.close();
  });

  test("path middleware can refuse an upgrade", async () => {
    const refused = await fetch(`http://127.0.0.1:${handle.port}/private/feed`, {
      headers: HANDSHAKE_HEADERS,
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "token required" });
    const client = await openSocket(`${base}/private/feed?token=letmein`);
    expect(await client.next()).toBe("private ok");
    client.close();
  });

  test("upgrade() refuses with 401 (thrown HttpError) or 403 (returned Response)", async () => {
    const url = `http://127.0.0.1:${handle.port}/auth`;
    const unauthorized = await fetch(url, { headers: { ...HANDSHAKE_HEADERS, accept: "application/json" } });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
      message: "Sign in first",
    });

    const forbidden = await fetch(url, { headers: { ...HANDSHAKE_HEADERS, authorization: "Bearer bad" } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toBe("Forbidden");

    const rejected = new TestSocket(`${base}/auth`);
    await expect(rejected.opened).rejects.toThrow();

    const client = await openSocket(`${base}/auth`, { authorization: "Bearer good" });
    expect(await client.next()).toBe("hello alice");
    client.close();
  });

  test("an async upgrade() adds data, and its headers and cookies go out with the 101", async () => {
    const head = await rawHandshake(handle.port!, "/async-upgrade?room=blue");
    expect(head.status).toBe(101);
    expect(head.headers.get("x-room")).toBe("blue");
    expect(head.headers.get("set-cookie")).toContain("ws_session=s1");
    expect(head.headers.get("set-cookie")).toContain("HttpOnly");

    const client = await openSocket(`${base}/async-upgrade`);
    expect(await client.next()).toBe("42");
    client.close();
  });

  test("an upgrade to an unknown path answers 404", async () => {
    const response = await fetch(`http://127.0.0.1:${handle.port}/nowhere`, { headers: HANDSHAKE_HEADERS });
    expect(response.status).toBe(404);
    const client = new TestSocket(`${base}/nowhere`);
    await expect(client.opened).rejects.toThrow();
  });

  test("a plain GET to a WebSocket-only path answers 426 with Upgrade: websocket", async () => {
    const response = await fetch(`http://127.0.0.1:${handle.port}/echo`);
    expect(response.status).toBe(426);
    expect(response.headers.get("upgrade")).toBe("websocket");
    expect((await response.json()).code).toBe("UPGRADE_REQUIRED");
  });

  test("other methods on a WebSocket-only path answer 405 allowing GET", async () => {
    const response = await fetch(`http://127.0.0.1:${handle.port}/echo`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toContain("GET");
  });

  test("a path with both an HTTP and a WebSocket route serves each", async () => {
    const page = await fetch(`http://127.0.0.1:${handle.port}/both`);
    expect(await page.text()).toBe("plain page");
    const client = await openSocket(`${base}/both`);
    expect(await client.next()).toBe("socket side");
    client.close();
  });

  test("an upgrade request for an HTTP-only path is served by the HTTP route", async () => {
    const response = await fetch(`http://127.0.0.1:${handle.port}/only-post`, {
      method: "POST",
      headers: HANDSHAKE_HEADERS,
    });
    expect(await response.text()).toBe("posted");
  });

  test("a handshake without a key is 400; an unsupported version is 426 naming version 13", async () => {
    const url = `http://127.0.0.1:${handle.port}/echo`;
    const noKey = await fetch(url, { headers: { upgrade: "websocket", connection: "Upgrade" } });
    expect(noKey.status).toBe(400);
    const oldVersion = await fetch(url, { headers: { ...HANDSHAKE_HEADERS, "sec-websocket-version": "8" } });
    expect(oldVersion.status).toBe(426);
    expect(oldVersion.headers.get("sec-websocket-version")).toBe("13");
  });

  test("rooms: app.publish reaches every subscriber of the topic and nobody else", async () => {
    const alice = await openSocket(`${base}/chat/blue`);
    const bob = await openSocket(`${base}/chat/blue`);
    const carol = await openSocket(`${base}/chat/red`);
    for (const client of [alice, bob, carol]) expect(await client.next()).toBe("joined");
    expect(app.subscriberCount("room:blue")).toBe(2);

    alice.send("hello");
    expect(await alice.next()).toBe("blue> hello");
    expect(await bob.next()).toBe("blue> hello");

    carol.send("only red");
    expect(await carol.next()).toBe("red> only red");
    // Had carol's message leaked to blue, it would arrive before this one.
    bob.send("second");
    expect(await bob.next()).toBe("blue> second");
    for (const client of [alice, bob, carol]) client.close();
  });

  test("handler errors go to the route's error handler and nothing is sent to the client", async () => {
    const client = await openSocket(`${base}/faulty`);
    client.send("sync");
    client.send("async");
    client.send("after");
    // The first message the client gets is the reply to "after": the failures sent nothing.
    expect(await client.next()).toBe("fine:after");
    expect(errorsSeen).toEqual(["sync failure", "async failure"]);
    client.close();
  });

  test("without an error handler, failures are logged and the connection stays open", async () => {
    const client = await openSocket(`${base}/unhandled`);
    const before = logged.length;
    client.send("boom");
    client.send("next");
    expect(await client.next()).toBe("fine:next");
    expect(logged.length).toBe(before + 1);
    expect((logged.at(-1) as Error).message).toBe("nobody handles this");
    client.close();
  });

  test("close handlers receive the code and reason", async () => {
    const closes: [number, string][] = [];
    const local = harpia();
    local.ws("/bye", {
      close(_ws, code, reason) {
        closes.push([code, reason]);
      },
    });
    const server = local.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const client = await openSocket(`ws://127.0.0.1:${server.port}/bye`);
      client.socket.close(4001, "done here");
      await client.closed;
      for (let i = 0; i < 100 && closes.length === 0; i++) await Bun.sleep(5);
      expect(closes).toEqual([[4001, "done here"]]);
    } finally {
      await server.stop(true);
    }
  });
});

describe("listen({ ws }) options and Bun.serve", () => {
  test("maxPayloadLength reaches Bun: a bigger message closes the connection with 1009", async () => {
    const app = harpia();
    const received: number[] = [];
    app.ws("/limited", {
      message(ws, message) {
        received.push(message.length);
        ws.send("ok");
      },
    });
    const server = app.listen({ port: 0, hostname: "127.0.0.1", ws: { maxPayloadLength: 64 } });
    try {
      const client = await openSocket(`ws://127.0.0.1:${server.port}/limited`);
      client.send("small");
      expect(await client.next()).toBe("ok");
      client.send("x".repeat(1024));
      expect((await client.closed).code).toBe(1009);
      expect(received).toEqual([5]);
    } finally {
      await server.stop(true);
    }
  });

  test("perMessageDeflate reaches Bun: the client negotiates the extension", async () => {
    const app = harpia();
    app.ws("/deflate", {
      message(ws, message) {
        ws.send(String(message));
      },
    });
    const plain = app.listen({ port: 0, hostname: "127.0.0.1" });
    const deflating = app.listen({ port: 0, hostname: "127.0.0.1", ws: { perMessageDeflate: true } });
    try {
      const without = await openSocket(`ws://127.0.0.1:${plain.port}/deflate`);
      expect(without.socket.extensions).toBe("");
      const withIt = await openSocket(`ws://127.0.0.1:${deflating.port}/deflate`);
      expect(withIt.socket.extensions).toContain("permessage-deflate");
      withIt.send("compressed both ways");
      expect(await withIt.next()).toBe("compressed both ways");
      without.close();
      withIt.close();
    } finally {
      await app.stop(true);
    }
  });

  test("Bun.serve({ fetch: app.fetch, websocket: app.websocket }) serves WebSocket routes", async () => {
    const app = harpia();
    app.ws("/hello/:name", {
      open(ws) {
        ws.subscribe("all");
        ws.send(`hi ${ws.data.params.name}`);
      },
    });
    app.get("/", (_req, res) => res.send("home"));
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: app.fetch,
      websocket: app.websocket,
    });
    try {
      const client = await openSocket(`ws://127.0.0.1:${server.port}/hello/ana`);
      expect(await client.next()).toBe("hi ana");
      expect(app.publishLocal("all", "broadcast")).toBeGreaterThan(0);
      expect(await client.next()).toBe("broadcast");
      expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe("home");
      client.close();
    } finally {
      await server.stop(true);
    }
  });

  test("without the Bun server an upgrade is a 500 (logged), not a crash", async () => {
    const logged: unknown[] = [];
    const app = harpia({ logErrors: (error) => logged.push(error) });
    app.ws("/socket", {});
    const response = await app.request("/socket", { headers: HANDSHAKE_HEADERS });
    expect(response.status).toBe(500);
    expect(String((logged[0] as Error).message)).toContain("app.websocket");
  });
});

describe("the seed's WebSocket example", () => {
  test("a Router's ws route with custom data set in open, mounted with app.routes", async () => {
    type CustomWebSocketData = { userId: string; username: string; sessionId: string };
    const routes = Router();
    const log: string[] = [];
    routes.ws<CustomWebSocketData>("/chat", {
      open(ws) {
        const data = ws.data;
        data.userId = "123";
        data.username = "Alice";
        data.sessionId = "abc";
        ws.send(`Welcome to the chat, ${data.username}!`);
      },
      message(ws, message) {
        log.push(`Message received from ${ws.data.username}: ${message}`);
        ws.send("noted");
      },
      close(ws, code) {
        log.push(`Connection closed (${code}) by ${ws.data.username}`);
      },
      drain() {},
      error(ws, error) {
        log.push(`Error on ${ws.data.username}'s connection: ${String(error)}`);
      },
    });
    const app = harpia();
    app.routes(routes);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const client = await openSocket(`ws://127.0.0.1:${server.port}/chat`);
      expect(await client.next()).toBe("Welcome to the chat, Alice!");
      client.send("hi all");
      expect(await client.next()).toBe("noted");
      client.socket.close(1000);
      await client.closed;
      for (let i = 0; i < 100 && log.length < 2; i++) await Bun.sleep(5);
      expect(log).toEqual(["Message received from Alice: hi all", "Connection closed (1000) by Alice"]);
    } finally {
      await server.stop(true);
    }
  });
});

describe("lifecycle hooks around an upgrade", () => {
  test("onSend hooks add headers to the 101; onResponse hooks see status 101", async () => {
    const app = harpia();
    const statuses: number[] = [];
    app.addHook("onSend", (_req, res) => {
      res.headers.set("x-served-by", "harpia");
    });
    app.addHook("onResponse", (_req, _res, response) => {
      statuses.push(response.status);
    });
    app.ws("/hooked", {});
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const head = await rawHandshake(server.port!, "/hooked");
      expect(head.status).toBe(101);
      expect(head.headers.get("x-served-by")).toBe("harpia");
      expect(statuses).toEqual([101]);
    } finally {
      await server.stop(true);
    }
  });
});

describe("pub/sub adapter", () => {
  test("app.publish goes through the adapter; publishLocal delivers on this instance", async () => {
    const app = harpia();
    app.ws("/feed", {
      open(ws) {
        ws.subscribe("news");
        ws.send("ready");
      },
    });
    const sent: [string, string | Uint8Array][] = [];
    // A stand-in for a cross-instance bus: it delivers back to this instance, as Redis would.
    const adapter: PubSubAdapter = {
      publish(topic, message) {
        sent.push([topic, message]);
        app.publishLocal(topic, message);
      },
    };
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const client = await openSocket(`ws://127.0.0.1:${server.port}/feed`);
      expect(await client.next()).toBe("ready");

      app.setPubSub(adapter);
      await app.publish("news", "via adapter");
      expect(sent).toEqual([["news", "via adapter"]]);
      expect(await client.next()).toBe("via adapter");

      app.setPubSub(undefined);
      await app.publish("news", "local again");
      expect(sent.length).toBe(1);
      expect(await client.next()).toBe("local again");
      expect(app.publishLocal("nobody-listens", "x")).toBe(0);
      client.close();
    } finally {
      await server.stop(true);
    }
  });

  test("bad topics, messages and adapters are refused with clear errors", () => {
    const app = harpia();
    expect(() => app.publish("", "x")).toThrow(/topic/);
    expect(() => app.publishLocal("t", 42 as unknown as string)).toThrow(/message/);
    expect(() => app.setPubSub({} as PubSubAdapter)).toThrow(/publish/);
  });
});

describe("registration", () => {
  test("handlers must be functions and patterns valid", () => {
    const app = harpia();
    expect(() => app.ws("/x", { open: "nope" as unknown as () => void })).toThrow(
      /"open" must be a function/,
    );
    expect(() => app.ws("/a/*/b", {})).toThrow(/wildcard/);
  });

  test("a duplicate WebSocket path is reported as such at compile time", () => {
    const app = harpia();
    app.ws("/dup", {});
    app.ws("/dup", {});
    expect(() => app.compile()).toThrow(/WebSocket route \/dup is already registered/);
  });
});
