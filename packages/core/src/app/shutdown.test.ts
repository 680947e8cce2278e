import { afterEach, describe, expect, test } from "bun:test";
import { openSocket, rawHandshake, TestSocket } from "../../test/support/websocket";
import harpia, { type Harpia } from "../index";

const apps: Harpia[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeout: 100 })));
});

function track(app: Harpia): Harpia {
  apps.push(app);
  return app;
}

/** One keep-alive connection: sends requests, reads each response head, tells when the server closed it. */
async function connection(port: number) {
  let buffer = "";
  let wake: (() => void) | undefined;
  let ended = false;
  let endedResolve: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    endedResolve = resolve;
  });
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_socket, chunk) {
        buffer += chunk.toString("latin1");
        wake?.();
      },
      close() {
        ended = true;
        endedResolve();
        wake?.();
      },
      error() {},
    },
  });
  return {
    closed,
    get ended() {
      return ended;
    },
    /** Sends one request and resolves with its status and headers (the body is skipped). */
    async request(method: string, path: string): Promise<{ status: number; headers: Headers }> {
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
      const deadline = Date.now() + 3_000;
      while (true) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end !== -1) {
          const [statusLine, ...lines] = buffer.slice(0, end).split("\r\n");
          const headers = new Headers();
          for (const line of lines)
            headers.append(line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim());
          const length = Number(headers.get("content-length") ?? 0);
          if (buffer.length >= end + 4 + length) {
            buffer = buffer.slice(end + 4 + length);
            return { status: Number(statusLine!.split(" ")[1]), headers };
          }
        }
        if (ended || Date.now() > deadline) throw new Error("no response");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    end: () => socket.end(),
  };
}

describe("app.close({ drain })", () => {
  function drainingApp() {
    const app = track(harpia({ logErrors: false }));
    const hooked: string[] = [];
    app.addHook("onRequest", (req) => void hooked.push(`onRequest ${req.method} ${req.path}`));
    app.addHook(
      "onResponse",
      (req, res) => void hooked.push(`onResponse ${req.method} ${req.path} ${res.statusCode}`),
    );
    let clicks = 0;
    app.get("/", () => "home");
    app.get("/livez", () => "live");
    app.post("/clicks", () => ({ clicks: ++clicks }));
    return { app, hooked, clicks: () => clicks };
  }

  test("GET, HEAD and OPTIONS get 503 before anything runs; POSTs and kept paths are served; then it closes", async () => {
    const { app, hooked, clicks } = drainingApp();
    const since = performance.now();
    const closed = app.close({ drain: { duration: 200, keepServing: ["/livez"] } });
    expect(app.closing).toBe(true);

    const get = await app.request("/");
    expect(get.status).toBe(503);
    expect(get.headers.get("retry-after")).toBe("1");
    expect(get.headers.get("connection")).toBe("close");
    expect(await get.json()).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    const head = await app.request("/", { method: "HEAD" });
    expect(head.status).toBe(503);
    expect(await head.text()).toBe("");
    expect((await app.request("/", { method: "OPTIONS" })).status).toBe(503);
    expect((await app.request("/nowhere")).status).toBe(503);
    expect(hooked).toEqual([]); // refused for the balancer: no hook, no log line, no metric

    // A POST may already be on its way: a balancer never resends it, so it is served here.
    const post = await app.request("/clicks", { method: "POST" });
    expect(post.status).toBe(200);
    expect(post.headers.get("connection")).toBe("close");
    expect(clicks()).toBe(1);
    const live = await app.request("/livez");
    expect(live.status).toBe(200);
    expect(live.headers.get("connection")).toBe("close");

    await closed;
    expect(performance.now() - since).toBeGreaterThanOrEqual(190);
  });

  test("over a socket: native routes and WebSocket handshakes are refused too, the listener stays open until the drain ends", async () => {
    const { app } = drainingApp();
    app.ws("/chat", { open: (ws) => ws.send("hi") });
    const port = app.listen({ port: 0, hostname: "127.0.0.1" }).port!;
    const socket = await openSocket(`ws://127.0.0.1:${port}/chat`);
    expect(await socket.next()).toBe("hi");

    const closed = app.close({ drain: 300 });
    const get = await fetch(`http://127.0.0.1:${port}/`); // a native route
    expect(get.status).toBe(503);
    expect((await rawHandshake(port, "/chat")).status).toBe(503);
    const post = await fetch(`http://127.0.0.1:${port}/clicks`, { method: "POST" });
    expect(post.status).toBe(200);
    // Sockets already open keep working during the drain, then get 1001.
    socket.send("still here");
    expect((await socket.closed).code).toBe(1001);
    await closed;
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  test("options are checked", () => {
    expect(() => harpia().close({ drain: -1 })).toThrow("close({ drain })");
    expect(() => harpia().close({ drain: { duration: Number.NaN } })).toThrow("close({ drain }).duration");
    expect(() => harpia().close({ drain: { duration: 10, keepServing: ["livez"] } })).toThrow("keepServing");
    expect(() => harpia().close({ hookTimeout: -5 })).toThrow("close({ hookTimeout })");
    expect(() =>
      harpia().listen({ port: 0, hostname: "127.0.0.1", shutdownOnSignals: true, shutdownDrain: -1 }),
    ).toThrow("listen({ shutdownDrain })");
  });
});

describe("once closing", () => {
  test("a response finished after close() began says Connection: close, and the connection ends after it", async () => {
    const app = track(harpia());
    app.get("/slow", async () => {
      await Bun.sleep(150);
      return "done";
    });
    app.get("/fast", () => "fast");
    const port = app.listen({ port: 0, hostname: "127.0.0.1" }).port!;
    const conn = await connection(port);
    const first = await conn.request("GET", "/fast");
    expect(first.headers.get("connection")).not.toBe("close"); // keep-alive before closing
    const pending = conn.request("GET", "/slow");
    await Bun.sleep(30);
    const closed = app.close();
    const slow = await pending;
    expect(slow.status).toBe(200);
    expect(slow.headers.get("connection")).toBe("close");
    await conn.closed;
    await closed;
  });

  test("in process too, whatever answers: a route, a returned Response, a 404", async () => {
    const app = harpia();
    app.get("/", () => "home");
    app.get("/raw", () => new Response("raw", { status: 201 }));
    const closed = app.close({ timeout: 100 });
    for (const path of ["/", "/raw", "/missing"]) {
      expect((await app.request(path)).headers.get("connection")).toBe("close");
    }
    await closed;
  });

  test("a WebSocket handshake whose async upgrade hook ends after close() began gets 503, and close() does not wait for it", async () => {
    const app = track(harpia({ logErrors: false }));
    let upgrades = 0;
    const opened: string[] = [];
    app.ws("/slow", {
      async upgrade() {
        upgrades++;
        await Bun.sleep(200);
        return { at: Date.now() };
      },
      open: () => void opened.push("open"),
    });
    const port = app.listen({ port: 0, hostname: "127.0.0.1" }).port!;
    // A browser-like client keeps whatever it gets open; a raw one shows the status line.
    const client = new TestSocket(`ws://127.0.0.1:${port}/slow`);
    const raw = rawHandshake(port, "/slow");
    while (upgrades < 2) await Bun.sleep(5);
    const since = performance.now();
    await app.close({ timeout: 5_000 });
    expect(performance.now() - since).toBeLessThan(1_000);
    await expect(client.opened).rejects.toThrow();
    const answer = await raw;
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(answer.headers.get("connection")).toBe("close");
    expect(opened).toEqual([]);
    expect(app.webSocketCount).toBe(0);
  });
});

describe("onClose hooks have their own bound", () => {
  test("close({ timeout: 0 }) cuts requests, not the cleanup", async () => {
    const errors: string[] = [];
    const app = harpia({ logErrors: (error) => errors.push((error as Error).message) });
    let flushed = false;
    app.onClose(async () => {
      await Bun.sleep(50);
      flushed = true;
    });
    await app.close({ timeout: 0 });
    expect(flushed).toBe(true);
    expect(errors).toEqual([]);
  });

  test("hookTimeout bounds each hook; the next one still runs", async () => {
    const errors: string[] = [];
    const app = harpia({ logErrors: (error) => errors.push((error as Error).message) });
    const ran: string[] = [];
    app.onClose(() => void ran.push("first registered"));
    app.onClose(() => new Promise(() => {}));
    const since = performance.now();
    await app.close({ hookTimeout: 50 });
    expect(performance.now() - since).toBeLessThan(1_000);
    expect(errors).toEqual(["An onClose hook took longer than 50 ms"]);
    expect(ran).toEqual(["first registered"]);
  });
});
