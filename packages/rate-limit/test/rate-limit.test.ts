// @harpia/rate-limit through the app, in process (app.fetch / the test client), on the default
// MemoryStore. Redis is in redis.test.ts, outages in outage.test.ts, the wire in socket.test.ts.
import { describe, expect, test } from "bun:test";
import harpia, { type HarpiaRequest, HttpError, isHttpError, MemoryStore, Router } from "@harpia/core";
import { rateLimit } from "@harpia/rate-limit";
import { TestClient } from "@harpia/test-client";
import { errorCode, expectRefused, statusCounts, testClock } from "./support";

/** An `app.fetch` server argument telling the app the client's address. */
const from = (address: string) => ({ requestIP: () => ({ address, family: "IPv4", port: 0 }) });

/** A clock that stands still (at the start of a window): exact counts in tests that check them. */
const still = testClock().now;

const get = (app: { fetch: typeof fetch | any }, path: string, ip = "10.0.0.1", init?: RequestInit) =>
  app.fetch(new Request(`http://localhost${path}`, init), from(ip)) as Promise<Response>;

describe("on one route, a router or the whole app", () => {
  test("per route: only that route is limited and gets headers", async () => {
    const app = harpia({ logErrors: false });
    app.post("/login", rateLimit({ limit: 2, window: "1m", name: "login" }), () => "welcome");
    app.get("/", () => "home");
    const post = () => get(app, "/login", "10.0.0.1", { method: "POST" });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    await expectRefused(await post(), { name: "login", limit: 2, window: 60 });
    const home = await get(app, "/");
    expect(home.status).toBe(200);
    expect(home.headers.get("ratelimit")).toBeNull();
  });

  test("app.use: every request reaching it, 404s and 405s included", async () => {
    const app = harpia({ logErrors: false });
    const limiter = rateLimit({ limit: 3, window: "1m", now: still });
    app.use(limiter);
    app.get("/", () => "home");
    expect(app.hasPlugin("@harpia/rate-limit")).toBe(true);
    expect((await get(app, "/")).status).toBe(200);
    const missing = await get(app, "/missing");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("ratelimit")).toMatch(/^"default";r=1;t=\d+$/);
    expect((await get(app, "/", "10.0.0.1", { method: "DELETE" })).status).toBe(405);
    await expectRefused(await get(app, "/"));
  });

  test("router.use: the router's routes only", async () => {
    const app = harpia({ logErrors: false });
    const api = Router("api");
    api.use(rateLimit({ limit: 1, window: "1m", name: "api" }));
    api.get("/items", () => []);
    app.routes(api);
    app.get("/", () => "home");
    expect((await get(app, "/api/items")).status).toBe(200);
    await expectRefused(await get(app, "/api/items"), { name: "api" });
    expect((await get(app, "/")).status).toBe(200);
  });

  test("one limiter on two routes is one budget; two limiters are two", async () => {
    const app = harpia({ logErrors: false });
    const shared = rateLimit({ limit: 2, window: "1m", name: "writes" });
    app.post("/a", shared, () => "a");
    app.post("/b", shared, () => "b");
    app.post("/c", rateLimit({ limit: 2, window: "1m", name: "c" }), () => "c");
    const post = (path: string) => get(app, path, "10.0.0.1", { method: "POST" });
    expect((await post("/a")).status).toBe(200);
    expect((await post("/b")).status).toBe(200);
    expect((await post("/a")).status).toBe(429);
    expect((await post("/c")).status).toBe(200);
  });

  test("an app-wide and a route limiter: both counted, both in the headers, the stricter refuses", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 100, window: "1m", name: "global", now: still }));
    app.post("/login", rateLimit({ limit: 1, window: "15m", name: "login", now: still }), () => "welcome");
    const first = await get(app, "/login", "10.0.0.1", { method: "POST" });
    expect(first.headers.get("ratelimit-policy")).toBe('"global";q=100;w=60, "login";q=1;w=900');
    expect(first.headers.get("ratelimit")).toMatch(/^"global";r=99;t=\d+, "login";r=0;t=\d+$/);
    const second = await get(app, "/login", "10.0.0.1", { method: "POST" });
    await expectRefused(second.clone(), { name: "login" });
    // The refusal keeps the app-wide limiter's item too.
    expect(second.headers.get("ratelimit")).toMatch(/^"global";r=98;t=\d+, "login";r=0;t=\d+$/);
  });
});

describe("headers and the 429", () => {
  test("allowed responses: RateLimit-Policy and RateLimit (draft syntax), exact with a clock", async () => {
    const clock = testClock();
    const app = harpia();
    app.use(rateLimit({ limit: 10, window: 60, algorithm: "fixed", now: clock.now }));
    app.get("/", () => "ok");
    clock.at(50);
    const res = await get(app, "/");
    expect(res.headers.get("ratelimit-policy")).toBe('"default";q=10;w=60');
    expect(res.headers.get("ratelimit")).toBe('"default";r=9;t=10');
    expect(res.headers.get("retry-after")).toBeNull();
  });

  test("the 429 is an HttpError through the app's error handler, with its headers", async () => {
    const clock = testClock();
    const seen: unknown[] = [];
    const app = harpia();
    app.setErrorHandler((error, _req, res) => {
      seen.push(error);
      res.type("text/plain").send(`custom: ${(error as HttpError).code}`);
    });
    app.use(rateLimit({ limit: 1, window: "1m", algorithm: "fixed", now: clock.now }));
    app.get("/", () => "ok");
    clock.at(45);
    await get(app, "/");
    const res = await get(app, "/");
    expect(res.status).toBe(429);
    expect(await res.text()).toBe("custom: RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("15");
    expect(res.headers.get("ratelimit")).toBe('"default";r=0;t=15');
    const error = seen[0];
    expect(isHttpError(error)).toBe(true);
    expect((error as HttpError).status).toBe(429);
    expect((error as HttpError).headers).toEqual({
      "retry-after": "15",
      "ratelimit-policy": '"default";q=1;w=60',
      ratelimit: '"default";r=0;t=15',
    });
  });

  test("the default error response: core's JSON error, message with the wait", async () => {
    const app = harpia();
    app.use(rateLimit({ limit: 1, window: "1m" }));
    app.get("/", () => "ok");
    await get(app, "/");
    const res = await get(app, "/");
    await expectRefused(res.clone());
    const body = (await res.json()) as { message: string };
    expect(body.message).toBe(`Too many requests: try again in ${res.headers.get("retry-after")} seconds`);
  });

  test('"legacy": RateLimit-Limit/-Remaining/-Reset; with two limiters the one with fewer left', async () => {
    const clock = testClock();
    const app = harpia({ logErrors: false });
    const legacy = { headers: "legacy" as const, algorithm: "fixed" as const, now: clock.now };
    app.use(rateLimit({ ...legacy, limit: 100, window: "1h", name: "hourly" }));
    app.get("/", () => "ok");
    app.get("/tight", rateLimit({ ...legacy, limit: 5, window: "1m", name: "tight" }), () => "ok");
    clock.at(30);
    const res = await get(app, "/");
    expect(res.headers.get("ratelimit-limit")).toBe("100");
    expect(res.headers.get("ratelimit-remaining")).toBe("99");
    expect(res.headers.get("ratelimit-reset")).toBe("3570");
    expect(res.headers.get("ratelimit-policy")).toBe("100;w=3600");
    expect(res.headers.get("ratelimit")).toBeNull();
    const tight = await get(app, "/tight");
    expect(tight.headers.get("ratelimit-limit")).toBe("5");
    expect(tight.headers.get("ratelimit-remaining")).toBe("4");
    expect(tight.headers.get("ratelimit-reset")).toBe("30");
    expect(tight.headers.get("ratelimit-policy")).toBe("5;w=60");
  });

  test("headers: false sends none, but the 429 still has Retry-After", async () => {
    const app = harpia();
    app.use(rateLimit({ limit: 1, window: "1m", headers: false }));
    app.get("/", () => "ok");
    const ok = await get(app, "/");
    expect([...ok.headers.keys()].filter((name) => name.startsWith("ratelimit"))).toEqual([]);
    await expectRefused(await get(app, "/"), { headers: false });
  });

  test('"draft-10" is the same syntax', async () => {
    const app = harpia();
    app.use(rateLimit({ limit: 2, window: "1m", headers: "draft-10", now: still }));
    app.get("/", () => "ok");
    const res = await get(app, "/");
    expect(res.headers.get("ratelimit-policy")).toBe('"default";q=2;w=60');
    expect(res.headers.get("ratelimit")).toMatch(/^"default";r=1;t=\d+$/);
  });

  test("on a whole Response a handler returns, and on a handler's error", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 5, window: "1m", now: still }));
    app.get("/raw", () => new Response("raw", { headers: { "x-own": "1" } }));
    app.get("/boom", () => {
      throw new Error("broken");
    });
    const raw = await get(app, "/raw");
    expect(raw.headers.get("x-own")).toBe("1");
    expect(raw.headers.get("ratelimit")).toMatch(/^"default";r=4;t=\d+$/);
    const boom = await get(app, "/boom");
    expect(boom.status).toBe(500);
    expect(boom.headers.get("ratelimit")).toMatch(/^"default";r=3;t=\d+$/);
  });

  test("req.state.rateLimit tells handlers what each limiter decided", async () => {
    const app = harpia();
    app.use(rateLimit({ limit: 10, window: "1m", name: "global", now: still }));
    app.get(
      "/",
      rateLimit({ limit: 3, window: "10s", name: "burst", now: still }),
      (req) => req.state.rateLimit,
    );
    const body = (await (await get(app, "/")).json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(body)).toEqual(["global", "burst"]);
    expect(body.burst).toMatchObject({ name: "burst", limit: 3, window: 10, remaining: 2, allowed: true });
    expect(body.global).toMatchObject({ name: "global", limit: 10, window: 60, remaining: 9, allowed: true });
  });
});

describe("fixed and sliding windows, with a controlled clock", () => {
  /** An app limited to 10 per minute, and a request from `ip` at `seconds` on the clock. */
  function limited(algorithm: "fixed" | "sliding") {
    const clock = testClock();
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 10, window: "1m", algorithm, now: clock.now }));
    app.get("/", () => "ok");
    return async (seconds: number, ip = "10.0.0.1") => {
      clock.at(seconds);
      return get(app, "/", ip);
    };
  }

  test("fixed: 10 late in a window, 10 more at once in the next (the edge burst)", async () => {
    const at = limited("fixed");
    for (let i = 0; i < 10; i++) expect((await at(50)).status).toBe(200);
    await expectRefused(await at(50), { retryAfter: 10 });
    // A new window starts over: 20 requests got through within ten seconds.
    for (let i = 0; i < 10; i++) expect((await at(60)).status).toBe(200);
    await expectRefused(await at(60), { retryAfter: 60 });
  });

  test("sliding: the previous window still weighs, so there is no edge burst", async () => {
    const at = limited("sliding");
    for (let i = 0; i < 10; i++) expect((await at(50)).status).toBe(200);
    await expectRefused(await at(50));
    // Next window: 11 counted before (the refused one too) weigh fully at its start.
    // One more fits once 11 × (60 − s) / 60 + 2 ≤ 10, s ≥ 16.4: Retry-After 17.
    await expectRefused(await at(60), { retryAfter: 17 });
    expect((await at(60 + 17)).status).toBe(200);
  });

  test("sliding: Retry-After is the first second a request fits", async () => {
    // Two clients with the same history; at the Retry-After one tries a second early, the other on time.
    const at = limited("sliding");
    for (const ip of ["10.0.0.1", "10.0.0.2"]) {
      for (let i = 0; i < 10; i++) await at(50, ip);
      await expectRefused(await at(50, ip));
      await expectRefused(await at(60, ip), { retryAfter: 17 });
    }
    // 11 × 44/60 + 2 = 10.07 > 10.
    await expectRefused(await at(60 + 16, "10.0.0.1"));
    // 11 × 43/60 + 2 = 9.88: allowed, nothing left until this window ends (43 s).
    const onTime = await at(60 + 17, "10.0.0.2");
    expect(onTime.status).toBe(200);
    expect(onTime.headers.get("ratelimit")).toBe('"default";r=0;t=43');
  });

  test("sliding: a steady rate under the limit is never refused", async () => {
    const at = limited("sliding");
    // 8.6 per minute for ten minutes.
    for (let s = 0; s < 600; s += 7) expect((await at(s)).status).toBe(200);
  });

  test("sliding: the estimate decays across the window", async () => {
    const at = limited("sliding");
    for (let i = 0; i < 6; i++) await at(30);
    // 6 in the previous window, half of it still overlapping: 3 + 1 counted, 6 left.
    expect((await at(90)).headers.get("ratelimit")).toBe('"default";r=6;t=30');
    // Two windows later the 6 no longer count.
    expect((await at(150)).headers.get("ratelimit")).toBe('"default";r=8;t=30');
  });
});

describe("exact under concurrency (MemoryStore)", () => {
  for (const algorithm of ["fixed", "sliding"] as const) {
    test(`${algorithm}: 200 concurrent requests, limit 50: exactly 50 pass`, async () => {
      const app = harpia({ logErrors: false });
      app.use(rateLimit({ limit: 50, window: "1h", algorithm, now: still }));
      app.get("/", async () => {
        await Bun.sleep(1);
        return "ok";
      });
      const responses = await Promise.all(Array.from({ length: 200 }, () => get(app, "/")));
      expect(statusCounts(responses)).toEqual({ 200: 50, 429: 150 });
      // Each allowed request got its own count: remaining 49 down to 0, once each.
      const remaining = responses
        .filter((res) => res.status === 200)
        .map((res) => Number(/r=(\d+)/.exec(res.headers.get("ratelimit")!)![1]))
        .sort((a, b) => a - b);
      expect(remaining).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });
  }
});

describe("a memory store passed in", () => {
  test("one that overrides increment is called through its own methods", async () => {
    let calls = 0;
    class Counting extends MemoryStore {
      override async increment(key: string, by?: number, ttl?: number): Promise<number> {
        calls++;
        return super.increment(key, by, ttl);
      }
    }
    const store = new Counting({ sweepIntervalSeconds: 0 });
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 2, window: "1h", name: "api", store, algorithm: "fixed", now: still }));
    app.get("/", () => "ok");
    expect(statusCounts(await Promise.all([1, 2, 3].map(() => get(app, "/"))))).toEqual({ 200: 2, 429: 1 });
    expect(calls).toBe(3);
  });

  test("a counter key holding something else fails like a store error (onStoreError)", async () => {
    const store = new MemoryStore({ sweepIntervalSeconds: 0 });
    const messages: string[] = [];
    const app = harpia({ logErrors: false });
    const limiter = rateLimit({
      limit: 1,
      window: "1h",
      name: "api",
      store,
      algorithm: "fixed",
      now: still,
      logErrors: (message) => messages.push(message),
    });
    app.use(limiter);
    app.get("/", () => "ok");
    const window = Math.floor(still() / 3_600_000);
    await store.set(`rate-limit:api:ip:10.0.0.1:${window}`, "not a number");
    // Counted in this process's memory meanwhile ("local"): the limit still holds.
    expect(statusCounts([await get(app, "/"), await get(app, "/")])).toEqual({ 200: 1, 429: 1 });
    expect(messages[0]).toContain("the store failed");
    await store.delete(`rate-limit:api:ip:10.0.0.1:${window}`);
    expect((await get(app, "/")).status).toBe(200);
    expect(messages[1]).toContain("answers again");
  });
});

describe("whose budget: keys", () => {
  test("by req.ip: clients apart", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m" }));
    app.get("/", () => "ok");
    expect((await get(app, "/", "10.0.0.1")).status).toBe(200);
    expect((await get(app, "/", "10.0.0.1")).status).toBe(429);
    expect((await get(app, "/", "10.0.0.2")).status).toBe(200);
  });

  test("req.ip follows trustProxy; forwarding headers are not read otherwise", async () => {
    const direct = harpia({ logErrors: false });
    const proxied = harpia({ logErrors: false, trustProxy: 1 });
    for (const app of [direct, proxied]) {
      app.use(rateLimit({ limit: 1, window: "1m" }));
      app.get("/", () => "ok");
    }
    const forwarded = (app: typeof direct, client: string) =>
      get(app, "/", "10.0.0.9", { headers: { "x-forwarded-for": client } });
    // Without trustProxy, a client cannot get a new budget by sending another X-Forwarded-For.
    expect((await forwarded(direct, "1.1.1.1")).status).toBe(200);
    expect((await forwarded(direct, "2.2.2.2")).status).toBe(429);
    // Behind one trusted proxy, the address it forwards is the client.
    expect((await forwarded(proxied, "1.1.1.1")).status).toBe(200);
    expect((await forwarded(proxied, "2.2.2.2")).status).toBe(200);
    expect((await forwarded(proxied, "1.1.1.1")).status).toBe(429);
  });

  test("IPv6: one /56 is one client by default; ipv6Subnet changes it; IPv4-mapped is IPv4", async () => {
    const make = (ipv6Subnet?: number | false) => {
      const app = harpia({ logErrors: false });
      app.use(rateLimit({ limit: 1, window: "1m", ipv6Subnet }));
      app.get("/", () => "ok");
      return app;
    };
    const byNetwork = make();
    expect((await get(byNetwork, "/", "2001:db8:aa:1100::1")).status).toBe(200);
    expect((await get(byNetwork, "/", "2001:db8:aa:11ff:1:2:3:4")).status).toBe(429);
    expect((await get(byNetwork, "/", "2001:db8:aa:1200::1")).status).toBe(200);
    const byAddress = make(128);
    expect((await get(byAddress, "/", "2001:db8::1")).status).toBe(200);
    expect((await get(byAddress, "/", "2001:db8::2")).status).toBe(200);
    const off = make(false);
    expect((await get(off, "/", "2001:db8::1")).status).toBe(200);
    expect((await get(off, "/", "2001:db8::2")).status).toBe(200);
    expect((await get(byNetwork, "/", "10.1.2.3")).status).toBe(200);
    expect((await get(byNetwork, "/", "::ffff:10.1.2.3")).status).toBe(429);
  });

  test("key(req): by user from req.state; anonymous requests fall back to the address", async () => {
    const app = harpia({ logErrors: false });
    app.use((req, _res, next) => {
      const user = req.header("x-user");
      if (user) req.state.testUser = user;
      return next();
    });
    app.use(rateLimit({ limit: 2, window: "1m", key: (req) => req.state.testUser }));
    app.get("/", () => "ok");
    const as = (user: string | undefined, ip: string) =>
      get(app, "/", ip, { headers: user ? { "x-user": user } : {} });
    // One user from two addresses: one budget.
    expect((await as("ada", "10.0.0.1")).status).toBe(200);
    expect((await as("ada", "10.0.0.2")).status).toBe(200);
    expect((await as("ada", "10.0.0.3")).status).toBe(429);
    expect((await as("grace", "10.0.0.1")).status).toBe(200);
    // Anonymous: by address. A user named like an address does not share its budget.
    expect((await as(undefined, "10.0.0.1")).status).toBe(200);
    expect((await as("ip:10.0.0.4", "10.0.0.5")).status).toBe(200);
    expect((await as(undefined, "10.0.0.4")).status).toBe(200);
    expect((await as(undefined, "10.0.0.4")).status).toBe(200);
    expect((await as(undefined, "10.0.0.4")).status).toBe(429);
  });

  test("long keys are hashed, still apart; a key that is not a string is the app's bug (500)", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m", key: (req) => req.header("x-key") ?? undefined }));
    app.get("/", () => "ok");
    const long = (tail: string) =>
      get(app, "/", "10.0.0.1", { headers: { "x-key": "k".repeat(300) + tail } });
    expect((await long("a")).status).toBe(200);
    expect((await long("b")).status).toBe(200);
    expect((await long("a")).status).toBe(429);

    const broken = harpia({ logErrors: false });
    broken.use(rateLimit({ limit: 1, window: "1m", key: () => 42 as unknown as string }));
    broken.get("/", () => "ok");
    const res = await get(broken, "/");
    expect(res.status).toBe(500);
    expect(await errorCode(res)).toBe("INTERNAL_ERROR");
  });

  test("async key functions are awaited", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m", key: async (req) => req.header("x-tenant") ?? undefined }));
    app.get("/", () => "ok");
    const tenant = (name: string) => get(app, "/", "10.0.0.1", { headers: { "x-tenant": name } });
    expect((await tenant("a")).status).toBe(200);
    expect((await tenant("b")).status).toBe(200);
    expect((await tenant("a")).status).toBe(429);
  });

  test("no client address (app.fetch without a server): one shared budget, not none", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 2, window: "1m" }));
    app.get("/", (req) => String(req.ip));
    expect(await (await app.request("/")).text()).toBe("undefined");
    expect((await app.request("/")).status).toBe(200);
    expect((await app.request("/")).status).toBe(429);
  });
});

describe("skip and allow", () => {
  test("skip(req): not counted, no headers", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m", skip: (req) => req.path === "/health" }));
    app.get("/health", () => "up");
    app.get("/", () => "ok");
    for (let i = 0; i < 5; i++) {
      const res = await get(app, "/health");
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit")).toBeNull();
    }
    expect((await get(app, "/")).status).toBe(200);
    expect((await get(app, "/")).status).toBe(429);
  });

  test("async skip functions are awaited", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m", skip: async (req) => req.header("x-internal") === "1" }));
    app.get("/", () => "ok");
    for (let i = 0; i < 3; i++)
      expect((await get(app, "/", "10.0.0.1", { headers: { "x-internal": "1" } })).status).toBe(200);
    expect((await get(app, "/")).status).toBe(200);
    expect((await get(app, "/")).status).toBe(429);
  });

  test("allow: addresses and CIDR ranges (IPv4, IPv6, IPv4-mapped) are never limited", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m", allow: ["10.0.0.0/8", "192.168.1.7", "fd00::/8"] }));
    app.get("/", () => "ok");
    for (const ip of ["10.1.2.3", "192.168.1.7", "fd00::1", "::ffff:10.9.9.9"]) {
      for (let i = 0; i < 3; i++) {
        const res = await get(app, "/", ip);
        expect(res.status).toBe(200);
        expect(res.headers.get("ratelimit")).toBeNull();
      }
    }
    for (const ip of ["192.168.1.8", "11.0.0.1", "fe80::1"]) {
      expect((await get(app, "/", ip)).status).toBe(200);
      expect((await get(app, "/", ip)).status).toBe(429);
    }
  });
});

describe("count: which requests use up the budget", () => {
  test('"failures": successful requests are given back, failed ones count', async () => {
    const app = harpia({ logErrors: false });
    app.post("/login", rateLimit({ limit: 2, window: "1m", count: "failures" }), (req, res) => {
      if (req.header("x-password") === "right") return "welcome";
      res.status(401).send("wrong password");
    });
    const login = (password: string) =>
      get(app, "/login", "10.0.0.1", { method: "POST", headers: { "x-password": password } });
    for (let i = 0; i < 5; i++) expect((await login("right")).status).toBe(200);
    expect((await login("wrong")).status).toBe(401);
    expect((await login("wrong")).status).toBe(401);
    await expectRefused(await login("right"));
  });

  test('"failures": a thrown error counts as one (its status is final after next())', async () => {
    const app = harpia({ logErrors: false });
    app.get("/secret", rateLimit({ limit: 2, window: "1m", count: "failures" }), () => {
      throw new HttpError(403, "no");
    });
    expect((await get(app, "/secret")).status).toBe(403);
    expect((await get(app, "/secret")).status).toBe(403);
    expect((await get(app, "/secret")).status).toBe(429);
  });

  test("a function: here, form errors (422) are given back", async () => {
    const app = harpia({ logErrors: false });
    const limiter = rateLimit({ limit: 1, window: "1h", count: (_req, res) => res.statusCode !== 422 });
    app.post("/signup", limiter, (req, res) => {
      if (!req.header("x-name")) return res.status(422).send("a name please");
      res.status(201).send("created");
    });
    const signup = (name?: string) =>
      get(app, "/signup", "10.0.0.1", { method: "POST", headers: name ? { "x-name": name } : {} });
    for (let i = 0; i < 3; i++) expect((await signup()).status).toBe(422);
    expect((await signup("ada")).status).toBe(201);
    expect((await signup("grace")).status).toBe(429);
  });

  test('"failures" under concurrency: counted on arrival, so 20 concurrent failures let exactly 5 in', async () => {
    const app = harpia({ logErrors: false });
    app.post("/login", rateLimit({ limit: 5, window: "1m", count: "failures" }), async (_req, res) => {
      await Bun.sleep(2);
      res.status(401).send("wrong");
    });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => get(app, "/login", "10.0.0.1", { method: "POST" })),
    );
    expect(statusCounts(responses)).toEqual({ 401: 5, 429: 15 });
  });
});

describe("test client", () => {
  test("works with @harpia/test-client's .ip()", async () => {
    const app = harpia({ logErrors: false });
    app.use(rateLimit({ limit: 1, window: "1m" }));
    app.get("/", () => "ok");
    const client = new TestClient(app);
    expect((await client.get("/").ip("203.0.113.1").execute()).status).toBe(200);
    expect((await client.get("/").ip("203.0.113.2").execute()).status).toBe(200);
    expect((await client.get("/").ip("203.0.113.1").execute()).status).toBe(429);
  });
});

declare module "@harpia/core" {
  interface RequestState {
    /** Set by a test middleware: the user a request is made for. */
    testUser?: string;
  }
}

export type { HarpiaRequest };
