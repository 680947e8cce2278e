// The store going away for real: a scratch redis-server of this test, killed (SIGKILL, by its
// PID) under running limiters, then started again. Every wait is bounded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import harpia, { type Harpia } from "@harpia/core";
import { rateLimit } from "@harpia/rate-limit";
import { RedisStore } from "@harpia/store-redis";
import { eventually, ScratchRedis } from "../../store-redis/test/support/redis";
import { errorCode, expectRefused } from "./support";

const redis = new ScratchRedis();
let store: RedisStore;
let app: Harpia;
const logs: Record<string, string[]> = { local: [], allow: [], refuse: [] };

/** A request to `path` from one client address. */
const call = (path: string) =>
  app.fetch(new Request(`http://localhost${path}`), {
    requestIP: () => ({ address: "10.0.0.1", family: "IPv4", port: 0 }),
  }) as Promise<Response>;

beforeAll(async () => {
  await redis.start();
  store = new RedisStore(
    { url: redis.url, options: { retryStrategy: () => 50 } },
    { prefix: "rate-limit-outage:", commandTimeout: 300, retryAfter: 200, logErrors: false },
  );
  app = harpia({ logErrors: false });
  for (const policy of ["local", "allow", "refuse"] as const) {
    const limiter = rateLimit({
      limit: 2,
      window: "1h",
      name: policy,
      store,
      onStoreError: policy,
      logErrors: (message) => logs[policy]!.push(message),
    });
    app.get(`/${policy}`, limiter, () => "ok");
  }
});

afterAll(async () => {
  await store?.close();
  await redis.kill();
});

describe("when the store fails", () => {
  test("before: counted in Redis", async () => {
    expect((await call("/local")).status).toBe(200);
    expect((await call("/local")).status).toBe(200);
    await expectRefused(await call("/local"), { name: "local" });
    expect(await store.keys("rate-limit:local:")).toHaveLength(1);
  });

  test("Redis killed: each policy does what it says, and says it once", async () => {
    await redis.kill();

    // "refuse": the store's own 503, with its Retry-After.
    const refused = await call("/refuse");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await errorCode(refused)).toBe("STORE_UNAVAILABLE");

    // "allow": through, uncounted, without rate-limit headers.
    for (let i = 0; i < 5; i++) {
      const res = await call("/allow");
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit")).toBeNull();
    }

    // "local" (the default): still limited, in this process's memory (its Redis count is out of reach).
    const started = performance.now();
    expect((await call("/local")).status).toBe(200);
    expect((await call("/local")).status).toBe(200);
    for (let i = 0; i < 5; i++) await expectRefused(await call("/local"), { name: "local" });
    console.log(
      `  7 requests on the local fallback with Redis down: ${(performance.now() - started).toFixed(0)} ms`,
    );

    expect(logs.local).toHaveLength(1);
    expect(logs.local![0]).toContain(
      `rate limit "local": the store failed; counting in this process's memory`,
    );
    expect(logs.allow).toHaveLength(1);
    expect(logs.allow![0]).toContain("requests pass uncounted");
    expect(logs.refuse).toEqual([]);
  });

  test("Redis back: counting goes back to it, and that is said once", async () => {
    await redis.start();
    // The scratch server keeps nothing (no persistence): Redis counts from zero again.
    const back = await eventually(async () => (await call("/local")).status === 200, 100, 50);
    expect(back).toBe(true);
    expect(logs.local!.at(-1)).toBe('rate limit "local": the store answers again');
    expect(logs.local).toHaveLength(2);
    expect((await call("/local")).status).toBe(200);
    await expectRefused(await call("/local"), { name: "local" });
    expect((await call("/refuse")).status).toBe(200);
  });
});
