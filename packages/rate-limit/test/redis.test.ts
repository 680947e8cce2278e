// Rate limits on @harpia/store-redis's RedisStore, against a real Redis (REDIS_URL, default
// redis://127.0.0.1:6379; a Cluster and a Sentinel setup under `bun run test:topologies`), each
// test under a key prefix of its own that is removed afterwards.
import { afterAll, describe, expect, test } from "bun:test";
import harpia, { type Harpia, type ServerHandle } from "@harpia/core";
import { rateLimit } from "@harpia/rate-limit";
import { RedisStore } from "@harpia/store-redis";
import { testRedis } from "../../store-redis/test/support/target";
import { expectRefused, statusCounts, testClock } from "./support";

const stores: RedisStore[] = [];
const apps: Harpia[] = [];

/** A RedisStore of its own connection, under `prefix`. */
function redisStore(prefix: string): RedisStore {
  const store = new RedisStore(testRedis.connection(), { prefix });
  stores.push(store);
  return store;
}

function uniquePrefix(label: string): string {
  return `test:rate-limit-${label}:${crypto.randomUUID()}:`;
}

afterAll(async () => {
  for (const app of apps) await app.close({ timeout: 2_000 });
  for (const store of stores) {
    await store.clear().catch(() => {});
    await store.close();
  }
});

/** Half past the hour: a test cannot straddle two windows (and count in both). */
const midWindow = () => testClock().time + 30 * 60_000;

/** An app instance on its own store (own connection), limited to `limit` per hour, listening. */
function instance(prefix: string, algorithm: "fixed" | "sliding", limit: number): ServerHandle {
  const app = harpia({ logErrors: false });
  apps.push(app);
  app.use(
    rateLimit({ limit, window: "1h", algorithm, name: "api", store: redisStore(prefix), now: midWindow }),
  );
  app.get("/", async () => {
    await Bun.sleep(1);
    return "ok";
  });
  return app.listen({ port: 0, hostname: "127.0.0.1" });
}

describe(`rate limits on Redis (${testRedis.label})`, () => {
  for (const algorithm of ["fixed", "sliding"] as const) {
    test(`${algorithm}: two instances, 10 requests then 200 concurrent, limit 50: exactly 50 pass`, async () => {
      const prefix = uniquePrefix(algorithm);
      const servers = [instance(prefix, algorithm, 50), instance(prefix, algorithm, 50)];
      const on = (i: number) => fetch(`http://127.0.0.1:${servers[i % 2]!.port}/`);
      // Five on each instance first: each counts into the same budget.
      for (let i = 0; i < 10; i++) expect((await on(i)).status).toBe(200);
      const started = performance.now();
      const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => on(i)));
      const elapsed = performance.now() - started;
      expect(statusCounts(responses)).toEqual({ 200: 40, 429: 160 });
      const allowedBy = [0, 1].map(
        (n) => responses.filter((res, i) => i % 2 === n && res.status === 200).length,
      );
      console.log(
        `  ${testRedis.label}, ${algorithm}: 10 + 200 concurrent over 2 instances → 10 + ${allowedBy.join(" + ")} allowed, 160 refused (${elapsed.toFixed(0)} ms)`,
      );
      // Then refused on both, whoever asks.
      for (let i = 0; i < 2; i++) await expectRefused(await on(i), { name: "api" });
    });
  }

  test("sequential totals across two instances: exactly the limit, then refused", async () => {
    const prefix = uniquePrefix("sequential");
    const servers = [instance(prefix, "sliding", 7), instance(prefix, "sliding", 7)];
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await fetch(`http://127.0.0.1:${servers[i % 2]!.port}/`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429, 429]);
  });

  test("counters expire with their window (fixed: one window, sliding: two)", async () => {
    const prefix = uniquePrefix("ttl");
    const store = redisStore(prefix);
    for (const algorithm of ["fixed", "sliding"] as const) {
      const app = harpia({ logErrors: false });
      app.use(rateLimit({ limit: 5, window: "10m", algorithm, name: algorithm, store }));
      app.get("/", () => "ok");
      await app.request("/");
      const keys = await store.keys(`rate-limit:${algorithm}:`);
      expect(keys).toHaveLength(1);
      const ttl = await store.client.pttl(`${prefix}${keys[0]}`);
      const window = 600_000;
      expect(ttl).toBeGreaterThan((algorithm === "fixed" ? window : 2 * window) - 5_000);
      expect(ttl).toBeLessThanOrEqual(algorithm === "fixed" ? window : 2 * window);
    }
  });

  test("sliding with a clock: the previous window, read from Redis, weighs", async () => {
    const clock = testClock();
    const app = harpia({ logErrors: false });
    const store = redisStore(uniquePrefix("clock"));
    app.use(rateLimit({ limit: 10, window: "1m", name: "clocked", store, now: clock.now }));
    app.get("/", () => "ok");
    clock.at(30);
    for (let i = 0; i < 6; i++) expect((await app.request("/")).status).toBe(200);
    clock.at(90);
    // 6 × 30/60 + 1 = 4 counted.
    expect((await app.request("/")).headers.get("ratelimit")).toBe('"clocked";r=6;t=30');
  });

  test("limiters with different names on one store count apart", async () => {
    const store = redisStore(uniquePrefix("names"));
    const app = harpia({ logErrors: false });
    app.post("/login", rateLimit({ limit: 1, window: "1m", name: "login", store }), () => "in");
    app.post("/signup", rateLimit({ limit: 1, window: "1m", name: "signup", store }), () => "new");
    expect((await app.request("/login", { method: "POST" })).status).toBe(200);
    expect((await app.request("/signup", { method: "POST" })).status).toBe(200);
    expect((await app.request("/login", { method: "POST" })).status).toBe(429);
    expect((await app.request("/signup", { method: "POST" })).status).toBe(429);
  });

  test('count: "failures" gives successful requests back in Redis', async () => {
    const store = redisStore(uniquePrefix("refund"));
    const app = harpia({ logErrors: false });
    app.post(
      "/login",
      rateLimit({ limit: 2, window: "1m", name: "login", store, count: "failures" }),
      (req, res) => (req.header("x-ok") ? "in" : res.status(401).send("no")),
    );
    const login = (ok: boolean) =>
      app.request("/login", { method: "POST", headers: ok ? { "x-ok": "1" } : {} });
    for (let i = 0; i < 4; i++) expect((await login(true)).status).toBe(200);
    expect((await login(false)).status).toBe(401);
    expect((await login(false)).status).toBe(401);
    expect((await login(true)).status).toBe(429);
  });
});
