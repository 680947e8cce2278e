import { expect, test } from "bun:test";
import harpia from "@harpia/core";
import { drain } from "../app/drain";

/** An app with the drain installed first, as `createApp` does. */
function drainedApp(drainMs = 200) {
  const app = harpia();
  const shutdown = drain(app, { drainMs, timeoutMs: 1000, log: () => {} });
  let clicks = 0;
  app.get("/", () => "home");
  app.get("/livez", () => "live");
  app.post("/clicks", () => ({ clicks: ++clicks }));
  return { app, shutdown, clicks: () => clicks };
}

test("before the signal, nothing changes", async () => {
  const { app } = drainedApp();
  const res = await app.request("/");
  expect(res.status).toBe(200);
  expect(res.headers.get("connection")).toBeNull();
});

test("while draining: GETs are refused untouched for the balancer to resend, POSTs are served", async () => {
  const { app, shutdown, clicks } = drainedApp();
  const closed = shutdown.start();
  expect(shutdown.draining).toBe(true);

  const get = await app.request("/");
  expect(get.status).toBe(503);
  expect(get.headers.get("retry-after")).toBe("1");
  expect(get.headers.get("connection")).toBe("close");
  expect(await get.json()).toMatchObject({ code: "DRAINING" });
  expect((await app.request("/", { method: "HEAD" })).status).toBe(503);

  // A POST may already have been sent: nginx will not resend it, so it must succeed here.
  const post = await app.request("/clicks", { method: "POST" });
  expect(post.status).toBe(200);
  expect(post.headers.get("connection")).toBe("close");
  expect(clicks()).toBe(1);

  expect((await app.request("/livez")).status).toBe(200);
  expect(app.closing).toBe(false); // still serving until the drain ends
  await closed;
  expect(app.closing).toBe(true);
});

test("while draining, a WebSocket handshake is refused with a plain 503 (nginx resends it)", async () => {
  const app = harpia();
  const shutdown = drain(app, { drainMs: 300, timeoutMs: 1000, log: () => {} });
  app.ws("/chat", { open: (ws) => ws.send("hello") });
  const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
  const handshake = (): Promise<string> =>
    new Promise((resolve, reject) => {
      let text = "";
      Bun.connect({
        hostname: "127.0.0.1",
        port: handle.port!,
        socket: {
          open(socket) {
            socket.write(
              "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            );
          },
          data(socket, chunk) {
            text += chunk.toString();
            if (text.includes("\r\n\r\n")) {
              socket.end();
              resolve(text.split("\r\n")[0]!);
            }
          },
          error: (_socket, error) => reject(error),
        },
      }).catch(reject);
    });
  try {
    expect(await handshake()).toBe("HTTP/1.1 101 Switching Protocols");
    const closed = shutdown.start();
    expect(await handshake()).toBe("HTTP/1.1 503 Service Unavailable");
    await closed;
  } finally {
    await app.close();
  }
});

test("the drain lasts drainMs, then the app closes; start() twice is one drain", async () => {
  const { app, shutdown } = drainedApp(150);
  const since = performance.now();
  const first = shutdown.start();
  expect(shutdown.start()).toBe(first);
  await Bun.sleep(50);
  expect(app.closing).toBe(false);
  await first;
  expect(performance.now() - since).toBeGreaterThanOrEqual(140);
  expect(app.closing).toBe(true);
});

test("a negative drain is refused", () => {
  expect(() => drain(harpia(), { drainMs: -1, timeoutMs: 1000 })).toThrow(/drainMs/);
});
