import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HANDSHAKE_HEADERS, openSocket, TestSocket } from "../../test/support/websocket";
import { harpia } from "../app";
import { Router } from "../group";
import type { ServerHandle } from "../server";

const EVIL = "https://evil.example";

describe("WebSocket handshakes from other origins", () => {
  // Written with a trailing slash: compared as the origin browsers send.
  const app = harpia({ webSocket: { allowOrigins: ["https://admin.example.com/"] } });
  const upgrades: string[] = [];
  const routerMiddleware: string[] = [];
  let handle: ServerHandle;
  let http: string;
  let ws: string;
  let own: string;

  const hello = {
    upgrade(req: { path: string }) {
      upgrades.push(req.path);
    },
    open(socket: { send(message: string): unknown }) {
      socket.send("hello");
    },
  };
  app.ws("/chat", hello);
  app.ws("/partner", { ...hello, allowOrigins: ["https://partner.example:8443"] });
  app.ws("/public", { ...hello, allowOrigins: "*" });
  const appMiddleware: number[] = [];
  app.use(async (_req, res, next) => {
    await next();
    appMiddleware.push(res.statusCode);
  });
  const rooms = Router("rooms");
  rooms.use((req, _res, next) => {
    routerMiddleware.push(req.path);
    return next();
  });
  rooms.ws("/:room", hello);
  app.routes(rooms);

  beforeAll(() => {
    handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    own = `http://127.0.0.1:${handle.port}`;
    http = own;
    ws = `ws://127.0.0.1:${handle.port}`;
  });
  afterAll(() => handle.stop(true));

  /** Opens a socket with these headers; resolves with its first message, or "refused". */
  async function connect(path: string, headers: Record<string, string> = {}): Promise<string> {
    const client = new TestSocket(`${ws}${path}`, headers);
    try {
      await client.opened;
    } catch {
      return "refused";
    }
    const first = await client.next();
    client.close();
    return first;
  }

  test("a page of the app's own origin connects", async () => {
    expect(await connect("/chat", { origin: own })).toBe("hello");
    expect(await connect("/chat", { origin: own, "sec-fetch-site": "same-origin" })).toBe("hello");
  });

  test("a client that is not a browser (no Origin, no Sec-Fetch-Site) connects", async () => {
    expect(await connect("/chat")).toBe("hello");
  });

  test("another origin's page is refused with a 403 problem before middleware or upgrade() run", async () => {
    upgrades.length = 0;
    routerMiddleware.length = 0;
    expect(await connect("/chat", { origin: EVIL })).toBe("refused");
    expect(await connect("/rooms/lobby", { origin: EVIL })).toBe("refused");

    const answer = await fetch(`${http}/rooms/lobby`, { headers: { ...HANDSHAKE_HEADERS, origin: EVIL } });
    expect(answer.status).toBe(403);
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    expect(await answer.json()).toMatchObject({ status: 403, code: "WS_ORIGIN_REFUSED" });
    expect(upgrades).toEqual([]);
    expect(routerMiddleware).toEqual([]);
    // Answered like a malformed handshake: app-wide middleware sees the error's status.
    expect(appMiddleware.at(-1)).toBe(403);

    // The same route still works for its own pages: the refusal is about the origin.
    expect(await connect("/rooms/lobby", { origin: own })).toBe("hello");
    expect(upgrades).toEqual(["/rooms/lobby"]);
    expect(routerMiddleware).toEqual(["/rooms/lobby"]);
  });

  test("Sec-Fetch-Site decides when present: cross-site and same-site are refused", async () => {
    // Even with an Origin that looks like ours, the browser says the page is another site's.
    expect(await connect("/chat", { origin: own, "sec-fetch-site": "cross-site" })).toBe("refused");
    expect(await connect("/chat", { "sec-fetch-site": "cross-site" })).toBe("refused");
    expect(await connect("/chat", { origin: "http://sub.127.0.0.1", "sec-fetch-site": "same-site" })).toBe(
      "refused",
    );
    expect(await connect("/chat", { "sec-fetch-site": "none" })).toBe("hello");
  });

  test("an origin listed in harpia({ webSocket: { allowOrigins } }) connects", async () => {
    expect(
      await connect("/chat", { origin: "https://admin.example.com", "sec-fetch-site": "cross-site" }),
    ).toBe("hello");
    expect(await connect("/chat", { origin: "https://admin.example.com:444" })).toBe("refused");
  });

  test("a route's allowOrigins replaces the app's list", async () => {
    expect(await connect("/partner", { origin: "https://partner.example:8443" })).toBe("hello");
    expect(await connect("/partner", { origin: "https://admin.example.com" })).toBe("refused");
    expect(await connect("/partner", { origin: own })).toBe("hello");
    expect(await connect("/chat", { origin: "https://partner.example:8443" })).toBe("refused");
  });

  test('allowOrigins: "*" lets any page connect (a public socket API)', async () => {
    expect(await connect("/public", { origin: EVIL, "sec-fetch-site": "cross-site" })).toBe("hello");
    expect(await connect("/public", { origin: "null" })).toBe("hello");
  });
});

describe("the app's own origin behind a proxy", () => {
  const forwarded = {
    origin: "https://chat.example.com",
    "x-forwarded-host": "chat.example.com",
    "x-forwarded-proto": "https",
  };

  async function opens(app: ReturnType<typeof harpia>, headers: Record<string, string>): Promise<boolean> {
    app.ws("/chat", {});
    const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const client = await openSocket(`ws://127.0.0.1:${handle.port}/chat`, headers).catch(() => undefined);
      client?.close();
      return client !== undefined;
    } finally {
      handle.stop(true);
    }
  }

  test("with trustProxy, X-Forwarded-Host and -Proto give the public origin, which connects", async () => {
    expect(await opens(harpia({ trustProxy: "loopback" }), forwarded)).toBe(true);
    expect(await opens(harpia({ trustProxy: "loopback" }), { ...forwarded, origin: EVIL })).toBe(false);
  });

  test("without trustProxy, forwarding headers are not believed", async () => {
    expect(await opens(harpia(), forwarded)).toBe(false);
  });

  test("the scheme counts: http://host is not https://host", async () => {
    expect(
      await opens(harpia({ trustProxy: "loopback" }), { ...forwarded, "x-forwarded-proto": "http" }),
    ).toBe(false);
  });
});

describe("allowOrigins is checked at registration", () => {
  const open = () => {};

  test("a route's bad allowOrigins throws a TypeError naming the route and the option", () => {
    const app = harpia();
    for (const bad of [
      "https://app.example.com",
      ["https://app.example.com/chat"],
      ["app.example.com"],
      ["*"],
      [42],
      42,
      { "https://app.example.com": true },
    ]) {
      expect(() => app.ws("/chat", { open, allowOrigins: bad as any })).toThrow(TypeError);
      expect(() => app.ws("/chat", { open, allowOrigins: bad as any })).toThrow(/ws \/chat: allowOrigins/);
    }
    expect(() => Router("api").ws("/feed", { allowOrigins: ["nope"] })).toThrow(/allowOrigins/);
  });

  test("a bad harpia({ webSocket }) throws a TypeError naming the option", () => {
    expect(() => harpia({ webSocket: { allowOrigins: ["https://a.example/path"] } })).toThrow(
      /webSocket\.allowOrigins/,
    );
    expect(() => harpia({ webSocket: { allowOrigins: "https://a.example" as any } })).toThrow(
      /webSocket\.allowOrigins/,
    );
    expect(() => harpia({ webSocket: "*" as any })).toThrow(/webSocket/);
    expect(() => harpia({ webSocket: { allowOrigins: ["*"] } })).toThrow(TypeError);
  });
});
