import { expect, test } from "bun:test";
import harpia from "@harpia/core";
import { KEEP_SERVING, shutdownOptions } from "../app/app";
import { configFromEnv } from "../app/config";

/** The deploy's shutdown settings, with a short drain, on an app with the routes that matter. */
function drainedApp(drainMs = 200) {
  const config = { ...configFromEnv({}), drainMs, shutdownTimeoutMs: 1000 };
  const app = harpia();
  let clicks = 0;
  app.get("/", () => "home");
  app.get("/livez", () => "live");
  app.post("/clicks", () => ({ clicks: ++clicks }));
  return { app, options: shutdownOptions(config), clicks: () => clicks };
}

test("the deploy drains for DRAIN_MS, keeps /livez served, and bounds requests by SHUTDOWN_TIMEOUT_MS", () => {
  const config = { ...configFromEnv({}), drainMs: 1500, shutdownTimeoutMs: 7000 };
  expect(shutdownOptions(config)).toEqual({
    drain: { duration: 1500, keepServing: KEEP_SERVING },
    timeout: 7000,
  });
});

test("before the signal, nothing changes", async () => {
  const { app } = drainedApp();
  const res = await app.request("/");
  expect(res.status).toBe(200);
  expect(res.headers.get("connection")).toBeNull();
});

test("while draining: GETs are refused untouched for the balancer to resend, POSTs are served", async () => {
  const { app, options, clicks } = drainedApp();
  const closed = app.close(options);
  expect(app.closing).toBe(true); // /readyz answers 503 from here on

  const get = await app.request("/");
  expect(get.status).toBe(503);
  expect(get.headers.get("retry-after")).toBe("1");
  expect(get.headers.get("connection")).toBe("close");
  expect((await app.request("/", { method: "HEAD" })).status).toBe(503);

  // A POST may already have been sent: nginx will not resend it, so it must succeed here.
  const post = await app.request("/clicks", { method: "POST" });
  expect(post.status).toBe(200);
  expect(post.headers.get("connection")).toBe("close");
  expect(clicks()).toBe(1);

  expect((await app.request("/livez")).status).toBe(200);
  await closed;
});

test("while draining, a WebSocket handshake is refused with a plain 503 (nginx resends it)", async () => {
  const app = harpia();
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
  expect(await handshake()).toBe("HTTP/1.1 101 Switching Protocols");
  const closed = app.close({ drain: 300, timeout: 1000 });
  expect(await handshake()).toBe("HTTP/1.1 503 Service Unavailable");
  await closed;
});

test("the drain lasts DRAIN_MS, then the app closes", async () => {
  const { app, options } = drainedApp(150);
  const since = performance.now();
  await app.close(options);
  expect(performance.now() - since).toBeGreaterThanOrEqual(140);
});
