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
