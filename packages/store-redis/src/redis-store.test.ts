import { afterAll, describe, expect, test } from "bun:test";
import { type AtomicStore, Cache, MemoryStore, StoreTypeError } from "@harpia/core";
import { runAtomicStoreContract } from "@harpia/core/testing";
import { Cluster, type Redis } from "ioredis";
import { freePort, REDIS_URL, testRedis, uniquePrefix } from "../test/support";
import { StoreUnavailableError } from "./errors";
import { RedisStore } from "./redis-store";

// Runs on the single node at REDIS_URL, and on a Cluster and a Sentinel setup under
// `bun run test:topologies` (HARPIA_TEST_REDIS). Tests that do not depend on the topology
// run on the single node only.
const onSingleNode = testRedis.kind === "single";

const opened: RedisStore[] = [];

/** A store on the test Redis under a prefix of its own, removed after the run. */
function redisStore(options: ConstructorParameters<typeof RedisStore>[1] = {}): RedisStore {
  const store = new RedisStore(testRedis.connection(), { prefix: uniquePrefix("store"), ...options });
  opened.push(store);
  return store;
}

afterAll(async () => {
  for (const store of opened) {
    await store.clear().catch(() => {});
    await store.close();
  }
});

if (onSingleNode)
  runAtomicStoreContract({ name: "MemoryStore", create: () => new MemoryStore({ sweepIntervalSeconds: 0 }) });
runAtomicStoreContract({ name: `RedisStore on ${testRedis.label}`, create: () => redisStore() });

describe("RedisStore values", () => {
  test("values without a JSON form are a TypeError before anything is sent", async () => {
    const store = redisStore();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const refused: unknown[] = [() => 1, { f: () => 1 }, 10n, { big: 1n }, cyclic, Symbol("s")];
    refused.push(new Map([["a", 1]]), { nested: new Set([1]) });
    await expect(store.add("bad", undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(store.listPush("bad-list", [1, undefined])).rejects.toBeInstanceOf(TypeError);
    for (const value of refused) {
      await expect(store.set("bad", value)).rejects.toBeInstanceOf(TypeError);
      await expect(store.add("bad", value)).rejects.toBeInstanceOf(TypeError);
      await expect(store.listPush("bad-list", [1, value])).rejects.toBeInstanceOf(TypeError);
    }
    await expect(store.set("bad", cyclic)).rejects.toThrow(/circular reference/);
    await expect(store.set("bad", { when: 1n })).rejects.toThrow(/bigint under "bad" \(property "when"\)/);
    expect(await store.has("bad")).toBe(false);
    expect(await store.has("bad-list")).toBe(false);
  });

  test("values are stored as plain JSON other clients can read", async () => {
    const store = redisStore();
    await store.set("doc", { a: [1, "two"], b: null });
    expect(JSON.parse((await store.client.get(`${store.prefix}doc`))!)).toEqual({ a: [1, "two"], b: null });
    await store.client.set(`${store.prefix}raw`, "not json");
    expect(await store.get("raw")).toBe("not json");
  });

  test("a TTL is sent to Redis in milliseconds", async () => {
    const store = redisStore();
    await store.set("t", 1, 30);
    await store.increment("c", 1, 30);
    await store.hashIncrement("h", "f", 1, 30);
    await store.setAdd("s", ["m"], 30);
    await store.listPush("l", [1], { ttlSeconds: 30 });
    for (const key of ["t", "c", "h", "s", "l"]) {
      const ttl = await store.client.pttl(`${store.prefix}${key}`);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    }
  });

  test("a counter's TTL is set when it is created, not refreshed", async () => {
    const store = redisStore();
    await store.increment("window", 1, 100);
    await store.increment("window", 1, 5);
    expect(await store.client.pttl(`${store.prefix}window`)).toBeGreaterThan(90_000);
  });

  test("bad arguments are clear errors", async () => {
    const store = redisStore();
    await expect(store.get(42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    await expect(store.increment("n", Number.NaN)).rejects.toBeInstanceOf(TypeError);
    await expect(store.listPush("l", [1], { maxLength: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.setAdd("s", [1 as unknown as string])).rejects.toBeInstanceOf(TypeError);
    await store.set("text", "abc");
    await expect(store.increment("text")).rejects.toBeInstanceOf(StoreTypeError);
  });
});

describe("RedisStore limits", () => {
  test("hashes and sets stop growing at maxCollectionSize", async () => {
    const store = redisStore({ maxCollectionSize: 3 });
    for (const field of ["a", "b", "c", "d", "e"]) await store.hashIncrement("h", field);
    expect(await store.hashIncrement("h", "z")).toBe(0);
    expect(await store.hashIncrement("h", "a", 2)).toBe(3);
    expect(Object.keys(await store.hashGetAll("h")).sort()).toEqual(["a", "b", "c"]);
    expect(await store.setAdd("s", ["1", "2", "3", "4"])).toBe(3);
    expect(await store.setAdd("s", ["5", "1"])).toBe(0);
    expect(await store.setSize("s")).toBe(3);
  });

  test("lists never exceed maxListLength, whatever maxLength asks", async () => {
    const store = redisStore({ maxListLength: 5 });
    const values = Array.from({ length: 8 }, (_, i) => i);
    expect(await store.listPush("l", values, { maxLength: 100 })).toBe(5);
    expect(await store.listRange("l")).toEqual([7, 6, 5, 4, 3]);
  });
});

describe("RedisStore keys() and clear()", () => {
  test("reach every key, on every master of a Cluster, in batches", async () => {
    const store = redisStore();
    const names = Array.from({ length: 1200 }, (_, i) => `item:${i}`);
    await Promise.all(names.map((name, i) => store.set(name, i)));
    await store.set("other", 1);
    if (testRedis.kind === "cluster") {
      // The keys really are spread over the masters (else this would prove nothing).
      const masters = (store.client as Cluster).nodes("master");
      const counts = await Promise.all(
        masters.map(async (node) => {
          let [cursor, count] = ["0", 0];
          do {
            const [next, keys] = await node.scan(cursor, "MATCH", `${store.prefix}item:*`, "COUNT", 1000);
            [cursor, count] = [next, count + keys.length];
          } while (cursor !== "0");
          return count;
        }),
      );
      expect(counts.filter((n) => n > 0).length).toBe(masters.length);
    }
    expect((await store.keys("item:")).sort()).toEqual([...names].sort());
    await store.clear("item:");
    expect(await store.keys("item:")).toEqual([]);
    expect(await store.get("other")).toBe(1);
  });
});

describe("RedisStore across instances", () => {
  test("two stores on one Redis count exactly under concurrent increments", async () => {
    const prefix = uniquePrefix("shared");
    const a = new RedisStore(testRedis.connection(), { prefix });
    const b = new RedisStore(testRedis.connection(), { prefix });
    opened.push(a, b);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const store = i % 2 === 0 ? a : b;
      work.push(
        store.increment("hits"),
        store.hashIncrement("paths", `/p${i % 7}`),
        store.setAdd("ips", [`ip${i % 13}`]),
      );
      work.push(store.listPush("log", [i], { maxLength: 50 }));
    }
    await Promise.all(work);
    expect(await a.get("hits")).toBe(200);
    const paths = await b.hashGetAll("paths");
    expect(Object.values(paths).reduce((sum, n) => sum + n, 0)).toBe(200);
    expect(await a.setSize("ips")).toBe(13);
    expect((await b.listRange("log")).length).toBe(50);
  });

  test("add gives a lock to exactly one of many contenders", async () => {
    const prefix = uniquePrefix("lock");
    const stores = [0, 1, 2].map(() => new RedisStore(testRedis.connection(), { prefix }));
    opened.push(...stores);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => stores[i % 3]!.add("lock", i, 30)),
    );
    expect(results.filter(Boolean).length).toBe(1);
  });
});

describe("RedisStore connections", () => {
  test("accepts a client you own and leaves it open on close()", async () => {
    const client = testRedis.client();
    const store = new RedisStore({ client }, { prefix: uniquePrefix("owned") });
    await store.set("x", 1);
    expect(await store.get("x")).toBe(1);
    await store.clear();
    await store.close();
    expect(await client.ping()).toBe("PONG");
    await expect(store.get("x")).rejects.toBeInstanceOf(StoreUnavailableError);
    await client.quit();
  });

  test("honours an ioredis keyPrefix on the client in keys() and clear()", async () => {
    const outer = uniquePrefix("kp");
    const client = testRedis.client({ keyPrefix: outer });
    const store = new RedisStore({ client }, { prefix: "inner:" });
    await store.set("a", 1);
    await store.set("b", 2);
    expect(await client.get("inner:a")).toBe("1");
    expect((await store.keys("")).sort()).toEqual(["a", "b"]);
    await store.clear();
    expect(await store.keys("")).toEqual([]);
    await client.quit();
  });

  test.if(onSingleNode)(
    "the seed's forms: no argument reads REDIS_URL; a number selects a database",
    async () => {
      const saved = process.env.REDIS_URL;
      process.env.REDIS_URL = REDIS_URL;
      try {
        const store = new RedisStore(undefined, { prefix: uniquePrefix("env") });
        opened.push(store);
        expect(await store.on()).toBe(true);
        await store.setEx("k", { v: 1 }, 30);
        expect(await store.get("k")).toEqual({ v: 1 });
        const db1 = new RedisStore(1, { prefix: uniquePrefix("db1") });
        opened.push(db1);
        await db1.set("k", 1);
        expect(await db1.client.get(`${db1.prefix}k`)).toBe("1");
        expect((db1.client.options as { db?: number }).db).toBe(1);
      } finally {
        process.env.REDIS_URL = saved;
      }
    },
  );

  test.if(onSingleNode)("bad configuration is a clear error at construction", () => {
    expect(() => new RedisStore({ url: "http://localhost" })).toThrow(/redis:\/\//);
    expect(() => new RedisStore({ client: {} as Redis })).toThrow(/ioredis Redis or Cluster/);
    expect(() => new RedisStore(-1)).toThrow(RangeError);
    expect(() => new RedisStore({ cluster: [] })).toThrow(/startup node/);
    expect(
      () => new RedisStore({ url: REDIS_URL, options: { lazyConnect: true } }, { commandTimeout: 0 }),
    ).toThrow(/commandTimeout/);
  });

  test.if(onSingleNode)(
    "a Cluster is accepted, typed as an AtomicStore, and reports an unreachable cluster as 503",
    async () => {
      const port = freePort();
      const cluster = new Cluster([{ host: "127.0.0.1", port }], {
        lazyConnect: true,
        clusterRetryStrategy: () => null,
      });
      cluster.on("error", () => {}); // the client is the test's: it reports its own connection errors
      const adopted: AtomicStore = new RedisStore({ client: cluster }, { logErrors: false });
      const created = new RedisStore(
        {
          cluster: [{ host: "127.0.0.1", port }],
          options: { lazyConnect: true, clusterRetryStrategy: () => null },
        },
        { logErrors: false },
      );
      expect((created.client as Cluster).isCluster).toBe(true);
      // ioredis's own retries during a failover end about when the call's deadline does.
      expect((created.client as Cluster).options.maxRedirections).toBe(16);
      const quick = new RedisStore(
        { cluster: [{ host: "127.0.0.1", port }], options: { lazyConnect: true } },
        { commandTimeout: 500, logErrors: false },
      );
      expect((quick.client as Cluster).options.maxRedirections).toBe(5);
      await quick.close();
      // Not connected yet: scanning must not pass off an unknown keyspace as empty.
      await expect(adopted.keys("")).rejects.toBeInstanceOf(StoreUnavailableError);
      for (const store of [adopted, created]) {
        const error = await store.set("k", 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).status).toBe(503);
      }
      await created.close();
      cluster.disconnect();
    },
  );

  test.if(onSingleNode)(
    "a Sentinel configuration is accepted and an unreachable sentinel is a 503",
    async () => {
      const port = freePort();
      const store = new RedisStore(
        { sentinels: [{ host: "127.0.0.1", port }], name: "mymaster", sentinelRetryStrategy: () => null },
        { logErrors: false },
      );
      const error = await store.get("k").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      await store.close();
    },
  );
});

describe("RedisStore durability", () => {
  test.if(onSingleNode)(
    "every write waits for the replicas asked for; one they do not confirm is a 503, reads go on",
    async () => {
      const prefix = uniquePrefix("durable");
      const plain = redisStore({ prefix });
      const connected = Number(
        /connected_slaves:(\d+)/.exec(await plain.client.info("replication"))?.[1] ?? 0,
      );
      // One more replica than this Redis has: no write can be confirmed.
      const durable = redisStore({
        prefix,
        commandTimeout: 1000,
        durability: { replicas: connected + 1, timeoutMs: 50 },
      });
      await plain.set("doc", { v: 1 });
      await plain.listPush("list", ["a"]);
      const writes: [string, () => Promise<unknown>][] = [
        ["set", () => durable.set("doc", { v: 2 })],
        ["add", () => durable.add("new", 1)],
        ["delete", () => durable.delete("doc")],
        ["increment", () => durable.increment("n")],
        ["increment with TTL", () => durable.increment("w", 1, 60)],
        ["expire", () => durable.expire("doc", 60)],
        ["hashIncrement", () => durable.hashIncrement("h", "f")],
        ["hashDelete", () => durable.hashDelete("h", ["f"])],
        ["setAdd", () => durable.setAdd("s", ["m"])],
        ["setRemove", () => durable.setRemove("s", ["m"])],
        ["listPush", () => durable.listPush("list", ["b"])],
        ["listRemove", () => durable.listRemove("list", ["a"])],
      ];
      for (const [name, write] of writes) {
        const started = performance.now();
        const error = await write().catch((e: unknown) => e);
        expect([name, error instanceof StoreUnavailableError]).toEqual([name, true]);
        expect((error as StoreUnavailableError).status).toBe(503);
        expect(((error as StoreUnavailableError).cause as Error).message).toMatch(
          new RegExp(`reached ${connected} of ${connected + 1} replica`),
        );
        expect(performance.now() - started).toBeLessThan(500);
      }
      // Redis is fine, only the replicas are missing: reads are served, nothing fails fast.
      expect(await durable.get("n")).toBe(1); // applied on the master, just not confirmed
      expect(await durable.listRange("list")).toEqual(["b"]);
      expect(await durable.ping()).toBe(true);
    },
  );

  test.if(onSingleNode)("durability is validated at construction", () => {
    const make = (durability: unknown, commandTimeout?: number) => () =>
      new RedisStore(
        { url: REDIS_URL, options: { lazyConnect: true } },
        { durability: durability as { replicas: number }, commandTimeout },
      );
    expect(make({ replicas: 0 })).toThrow(/durability.replicas/);
    expect(make({ replicas: 1.5 })).toThrow(RangeError);
    expect(make({ replicas: 1, timeoutMs: -1 })).toThrow(/durability.timeoutMs/);
    expect(make({ replicas: 1, timeoutMs: 500 }, 500)).toThrow(/below `commandTimeout`/);
    expect(make("yes")).toThrow(TypeError);
  });
});

describe("Cache on RedisStore", () => {
  test("wrap computes once for concurrent misses and caches under its own prefix", async () => {
    const store = redisStore();
    const cache = new Cache({ store, ttl: 60, prefix: "c:" });
    let computed = 0;
    const compute = async () => {
      computed++;
      await Bun.sleep(20);
      return { price: 42 };
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => cache.wrap("item", undefined, compute)),
    );
    expect(results.every((r) => r.price === 42)).toBe(true);
    expect(computed).toBe(1);
    expect(await store.get("c:item")).toEqual({ price: 42 });
    expect(await store.client.pttl(`${store.prefix}c:item`)).toBeGreaterThan(50_000);
    await store.set("other", 1);
    await cache.clear();
    expect(await cache.has("item")).toBe(false);
    expect(await store.get("other")).toBe(1);
  });

  test("a second cache on another instance sees the cached value", async () => {
    const prefix = uniquePrefix("cache");
    const storeA = new RedisStore(testRedis.connection(), { prefix });
    const storeB = new RedisStore(testRedis.connection(), { prefix });
    opened.push(storeA, storeB);
    const a = new Cache({ store: storeA });
    const b = new Cache(storeB);
    await a.set("greeting", "hello", 30);
    expect(await b.get("greeting")).toBe("hello");
    expect(await b.wrap("greeting", 30, () => "recomputed")).toBe("hello");
    await storeB.clear();
  });
});
