import { describe, expect, test } from "bun:test";
import harpia, { type Harpia } from "@harpia/core";
import { type HealthOptions, type HealthPlugin, health } from "../src/index";

/** An app with the probes, as `app.request` sees it (no server: not ready by default). */
function appWith(options?: HealthOptions): { app: Harpia; probes: HealthPlugin } {
  const app = harpia({ logErrors: false });
  const probes = health(options);
  app.use(probes);
  return { app, probes };
}

async function probe(app: Harpia, path: string, init?: RequestInit) {
  const res = await app.request(path, init);
  const text = await res.text();
  const json = res.headers.get("content-type")?.includes("json");
  return { status: res.status, body: json ? JSON.parse(text) : text, headers: res.headers };
}

describe("liveness", () => {
  test("/healthz answers 200 {status: ok}, uncached, ready or not", async () => {
    const { app } = appWith({ readyOnListen: false });
    const live = await probe(app, "/healthz");
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: "ok" });
    expect(live.headers.get("cache-control")).toBe("no-store");
    expect(live.headers.get("content-type")).toStartWith("application/json");
  });

  test("HEAD works, other methods get 405 with Allow", async () => {
    const { app } = appWith();
    const head = await app.request("/healthz", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await app.request("/readyz", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
  });
});

describe("readiness", () => {
  test("503 not_ready until marked ready; setReady(false) takes it back", async () => {
    const { app, probes } = appWith({ readyOnListen: false });
    expect(await probe(app, "/readyz")).toMatchObject({ status: 503, body: { status: "not_ready" } });
    expect(probes.isReady()).toBe(false);
    probes.setReady(true);
    expect(await probe(app, "/readyz")).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(probes.isReady()).toBe(true);
    probes.setReady(false);
    expect(await probe(app, "/readyz")).toMatchObject({ status: 503, body: { status: "not_ready" } });
    expect((await probe(app, "/readyz")).headers.get("cache-control")).toBe("no-store");
  });

  test("by default the app is ready once listen() started a server", async () => {
    const { app, probes } = appWith();
    expect((await probe(app, "/readyz")).status).toBe(503);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      expect(probes.isReady()).toBe(true);
      const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok" });
    } finally {
      await app.close({ timeout: 1000 });
    }
  });

  test("readyOnListen: false waits for setReady(true), even after listen()", async () => {
    const { app, probes } = appWith({ readyOnListen: false });
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(503);
      probes.setReady(true);
      expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
    } finally {
      await app.close({ timeout: 1000 });
    }
  });

  test("an explicit setReady(false) before listen() is not overridden by readyOnListen", async () => {
    const { app, probes } = appWith();
    probes.setReady(false);
    app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      expect(probes.isReady()).toBe(false);
    } finally {
      await app.close({ timeout: 1000 });
    }
  });

  test("setReady takes a boolean", () => {
    expect(() => health().setReady("yes" as never)).toThrow(TypeError);
  });
});

describe("checks", () => {
  test("all passing: 200 with each check ok; undefined, true and values pass", async () => {
    const { app, probes } = appWith({
      readyOnListen: false,
      checks: { nothing: () => undefined, yes: () => true, value: async () => "PONG" },
    });
    probes.setReady(true);
    expect(await probe(app, "/readyz")).toMatchObject({
      status: 200,
      body: { status: "ok", checks: { nothing: "ok", yes: "ok", value: "ok" } },
    });
  });

  test("a throw, a rejection or false fails the probe (503) and names the check, nothing more", async () => {
    const { app, probes } = appWith({
      readyOnListen: false,
      checks: {
        db: () => true,
        cache: () => {
          throw new Error("ECONNREFUSED 10.0.0.7:6379 password=hunter2");
        },
        queue: async () => Promise.reject(new Error("down")),
        flag: () => false,
      },
    });
    probes.setReady(true);
    const ready = await probe(app, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      status: "fail",
      checks: { db: "ok", cache: "fail", queue: "fail", flag: "fail" },
    });
    expect(JSON.stringify(ready.body)).not.toContain("hunter2"); // no error text leaks
  });

  test("a check slower than timeout fails, and the answer comes at the timeout", async () => {
    const { app, probes } = appWith({
      readyOnListen: false,
      timeout: 50,
      checks: { slow: () => Bun.sleep(5_000), fast: () => true },
    });
    probes.setReady(true);
    const started = performance.now();
    const ready = await probe(app, "/readyz");
    const took = performance.now() - started;
    expect(ready.body).toEqual({ status: "fail", checks: { slow: "fail", fast: "ok" } });
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(1_000);
  });

  test("concurrent probes share one run of the checks", async () => {
    let calls = 0;
    const release = Promise.withResolvers<void>();
    const { app, probes } = appWith({
      readyOnListen: false,
      timeout: 5_000,
      checks: {
        db: async () => {
          calls++;
          await release.promise;
        },
      },
    });
    probes.setReady(true);
    const answers = Array.from({ length: 20 }, () => probe(app, "/readyz"));
    await Bun.sleep(10);
    release.resolve();
    for (const answer of await Promise.all(answers)) expect(answer.status).toBe(200);
    expect(calls).toBe(1);
    await probe(app, "/readyz");
    expect(calls).toBe(2); // a later probe runs them again
  });

  test("a hung check is not called again while its last call is pending: it just fails", async () => {
    let calls = 0;
    const hang = Promise.withResolvers<void>();
    const { app, probes } = appWith({
      readyOnListen: false,
      timeout: 20,
      checks: {
        db: () => {
          calls++;
          return hang.promise;
        },
      },
    });
    probes.setReady(true);
    for (let i = 0; i < 5; i++) expect((await probe(app, "/readyz")).body.checks).toEqual({ db: "fail" });
    expect(calls).toBe(1);
    hang.resolve();
    await Bun.sleep(0);
    expect((await probe(app, "/readyz")).body).toEqual({ status: "ok", checks: { db: "ok" } });
    expect(calls).toBe(2);
  });

  test("checks are not run while the app is not ready", async () => {
    let calls = 0;
    const { app } = appWith({ readyOnListen: false, checks: { db: () => void calls++ } });
    expect((await probe(app, "/readyz")).body).toEqual({ status: "not_ready" });
    expect(calls).toBe(0);
  });

  test("readiness() returns what the probe would answer", async () => {
    const probes = health({ readyOnListen: false, checks: { db: () => false } });
    expect(await probes.readiness()).toEqual({ status: "not_ready" });
    probes.setReady(true);
    expect(await probes.readiness()).toEqual({ status: "fail", checks: { db: "fail" } });
  });
});

describe("closing", () => {
  test("from the moment app.close() begins, /readyz answers 503 closing; /healthz stays 200", async () => {
    const { app, probes } = appWith();
    const entered = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    app.get("/slow", async () => {
      entered.resolve();
      await release.promise;
      return "done";
    });
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const slow = fetch(`${base}/slow`);
    await entered.promise;

    const closing = app.close({ timeout: 5_000 });
    expect(app.closing).toBe(true);
    // New connections are refused now; the app itself (app.fetch, other servers) still answers.
    const ready = await probe(app, "/readyz");
    expect(ready).toMatchObject({ status: 503, body: { status: "closing" } });
    expect((await probe(app, "/healthz")).status).toBe(200);
    expect(probes.isReady()).toBe(false);
    probes.setReady(true); // cannot undo closing
    expect((await probe(app, "/readyz")).status).toBe(503);

    release.resolve();
    expect(await (await slow).text()).toBe("done"); // the in-flight request finished
    await closing;
  });

  test("a /readyz in flight over the socket when close begins answers 503 closing", async () => {
    const checking = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const { app } = appWith({
      timeout: 5_000,
      checks: {
        db: async () => {
          checking.resolve();
          await release.promise;
        },
      },
    });
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;
    const inFlight = fetch(`${base}/readyz`);
    await checking.promise;
    const closing = app.close({ timeout: 5_000 });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow(); // no new connections
    release.resolve();
    const res = await inFlight;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "closing", checks: { db: "ok" } });
    await closing;
  });
});

describe("paths and installation", () => {
  test("custom paths, trailing slash trimmed; false turns a probe off", async () => {
    const { app, probes } = appWith({ live: "/_/live/", ready: false });
    expect(probes.paths).toEqual({ live: "/_/live", ready: undefined });
    expect((await probe(app, "/_/live")).status).toBe(200);
    expect((await probe(app, "/readyz")).status).toBe(404);
    expect((await probe(app, "/healthz")).status).toBe(404);
  });

  test("once per app: a second health plugin is refused, and one plugin serves one app", () => {
    const { app, probes } = appWith();
    app.use(probes); // the same value again: installed once, no error
    expect(() => app.use(health({ live: "/a", ready: "/b" }))).toThrow(
      /"@harpia\/health" is already installed on this app.*app\.use\(\.\.\.\) once/,
    );
    expect(() => harpia().use(probes)).toThrow(
      /"@harpia\/health".*installed on another app; make one per app/,
    );
    expect(app.hasPlugin("@harpia/health")).toBe(true);
  });

  test("not middleware: router.use() refuses it", async () => {
    const { Router } = await import("@harpia/core");
    expect(() => Router("x").use(health() as never)).toThrow(TypeError);
  });

  test("app-level middleware runs for the probes like for any route", async () => {
    const app = harpia({ logErrors: false });
    const probes = health({ readyOnListen: false });
    const open = new Set(Object.values(probes.paths));
    app.use((req, res, next) => {
      if (open.has(req.path)) return next(); // the documented way to let probes past auth
      if (req.header("authorization") !== "Bearer t") return res.status(401).send("no");
      return next();
    });
    app.use(probes);
    app.get("/private", () => "secret");
    expect((await probe(app, "/private")).status).toBe(401);
    expect((await probe(app, "/healthz")).status).toBe(200);
    expect((await probe(app, "/readyz")).status).toBe(503);
  });
});

describe("options are checked when the plugin is made", () => {
  const bad: [string, unknown][] = [
    ["unknown option", { liveness: "/x" }],
    ["not an object", "nope"],
    ["relative path", { live: "healthz" }],
    ["param in path", { ready: "/ready/:x" }],
    ["wildcard", { live: "/h/*" }],
    ["query", { live: "/h?x=1" }],
    ["empty segment", { live: "//h" }],
    ["true is not a path", { live: true }],
    ["same path twice", { live: "/h", ready: "/h/" }],
    ["nothing to serve", { live: false, ready: false }],
    ["checks not an object", { checks: [() => true] }],
    ["check not a function", { checks: { db: "ping" } }],
    ["timeout zero", { timeout: 0 }],
    ["timeout fractional", { timeout: 1.5 }],
    ["timeout too long", { timeout: 600_000 }],
    ["timeout string", { timeout: "500" }],
    ["readyOnListen not boolean", { readyOnListen: "no" }],
  ];
  for (const [name, options] of bad) {
    test(name, () => {
      expect(() => health(options as HealthOptions)).toThrow(TypeError);
    });
  }

  test("messages name the option", () => {
    expect(() => health({ timeout: -1 })).toThrow("health({ timeout })");
    expect(() => health({ checks: { db: 1 as never } })).toThrow('"db" must be a function');
    expect(() => health({ live: "x" })).toThrow("health({ live })");
  });
});
