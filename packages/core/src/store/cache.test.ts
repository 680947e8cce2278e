import { afterEach, describe, expect, setSystemTime, test } from "bun:test";
import { harpia } from "../app";
import { Cache } from "./cache";
import { MemoryStore } from "./memory-store";
import type { Store } from "./types";

const START = new Date("2030-01-01T00:00:00Z").getTime();

function at(seconds: number): void {
  setSystemTime(new Date(START + seconds * 1000));
}

afterEach(() => {
  setSystemTime();
});

/** A store with I/O latency, like Redis: every call yields to the event loop first. */
class SlowStore implements Store {
  readonly inner = new MemoryStore({ sweepIntervalSeconds: 0 });
  gets = 0;
  private async pause(): Promise<void> {
    await Bun.sleep(1);
  }
  async get<T = any>(key: string): Promise<T | undefined> {
    this.gets++;
    await this.pause();
    return this.inner.get<T>(key);
  }
  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    await this.pause();
    return this.inner.set(key, value, ttl);
  }
  async add(key: string, value: unknown, ttl?: number): Promise<boolean> {
    await this.pause();
    return this.inner.add(key, value, ttl);
  }
  async delete(key: string): Promise<void> {
    await this.pause();
    return this.inner.delete(key);
  }
  async has(key: string): Promise<boolean> {
    await this.pause();
    return this.inner.has(key);
  }
  async increment(key: string, by?: number, ttl?: number): Promise<number> {
    await this.pause();
    return this.inner.increment(key, by, ttl);
  }
  async expire(key: string, ttl: number): Promise<boolean> {
    await this.pause();
    return this.inner.expire(key, ttl);
  }
  async clear(prefix?: string): Promise<void> {
    await this.pause();
    return this.inner.clear(prefix);
  }
}

describe("Cache: the seed's routes", () => {
  const app = harpia();
  const cache = new Cache();

  app.get("/set-cache", async (_req, res) => {
    const userProfile = { username: "john_doe", age: 30 };
    await cache.set("userProfile", userProfile);
    res.json({ message: "User profile cached!" });
  });
  app.get("/get-cache", async (_req, res) => {
    const userProfile = await cache.get("userProfile");
    if (!userProfile) {
      res.json({ status: "not found", message: "User profile not found in cache." });
      return;
    }
    res.json({ status: "success", data: userProfile });
  });
  app.get("/delete-cache", async (_req, res) => {
    await cache.delete("userProfile");
    res.json({ message: "User profile cache deleted!" });
  });
  app.get("/user-profile/:id", async (req, res) => {
    const cacheKey = `userProfile:${req.params.id}`;
    const cachedProfile = await cache.get(cacheKey);
    if (cachedProfile) {
      res.json({ status: "success", source: "cache", data: cachedProfile });
      return;
    }
    const profile = { id: req.params.id, username: "john_doe", age: 30 };
    await cache.set(cacheKey, profile);
    res.json({ status: "success", source: "db", data: profile });
  });

  test("set, get and delete through routes", async () => {
    expect((await (await app.request("/get-cache")).json()).status).toBe("not found");
    expect(await (await app.request("/set-cache")).json()).toEqual({ message: "User profile cached!" });
    expect(await (await app.request("/get-cache")).json()).toEqual({
      status: "success",
      data: { username: "john_doe", age: 30 },
    });
    await app.request("/delete-cache");
    expect((await (await app.request("/get-cache")).json()).status).toBe("not found");
  });

  test("cache.set(key, undefined) in a route removes the entry instead of failing the request", async () => {
    app.get("/forget", async (_req, res) => {
      await cache.set("userProfile", undefined);
      res.json({ message: "forgotten" });
    });
    await app.request("/set-cache");
    const res = await app.request("/forget");
    expect(res.status).toBe(200);
    expect((await (await app.request("/get-cache")).json()).status).toBe("not found");
  });

  test("the read-through example serves the second request from the cache", async () => {
    expect((await (await app.request("/user-profile/7")).json()).source).toBe("db");
    const second = await (await app.request("/user-profile/7")).json();
    expect(second).toEqual({
      status: "success",
      source: "cache",
      data: { id: "7", username: "john_doe", age: 30 },
    });
  });
});

describe("Cache options", () => {
  test("a default TTL applies to set(); a TTL per call overrides it", async () => {
    at(0);
    const cache = new Cache({ ttl: 60, store: new MemoryStore({ sweepIntervalSeconds: 0 }) });
    await cache.set("default", 1);
    await cache.set("short", 2, 5);
    at(5);
    expect(await cache.has("short")).toBe(false);
    expect(await cache.get("default")).toBe(1);
    at(60);
    expect(await cache.get("default")).toBeUndefined();
  });

  test("keys are prefixed, so clear() leaves the rest of a shared store alone", async () => {
    const store = new MemoryStore({ sweepIntervalSeconds: 0 });
    await store.set("session:abc", { user: 1 });
    const cache = new Cache(store);
    await cache.set("a", 1);
    expect(await store.get("cache:a")).toBe(1);
    const other = new Cache({ store, prefix: "pages:" });
    await other.set("a", "page");
    await cache.clear();
    expect(await cache.get("a")).toBeUndefined();
    expect(await other.get("a")).toBe("page");
    expect(await store.get("session:abc")).toEqual({ user: 1 });
  });

  test("a non-positive default TTL is refused", () => {
    expect(() => new Cache({ ttl: 0 })).toThrow(RangeError);
    expect(() => new Cache({ ttl: -5 })).toThrow(RangeError);
  });
});

describe("Cache.wrap", () => {
  test("50 concurrent misses on one key compute once and all get the value", async () => {
    const cache = new Cache(new MemoryStore({ sweepIntervalSeconds: 0 }));
    let calls = 0;
    const compute = async () => {
      calls++;
      await Bun.sleep(5);
      return { id: 1, name: "expensive" };
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.wrap("user:1", 60, compute)));
    expect(calls).toBe(1);
    for (const result of results) expect(result).toEqual({ id: 1, name: "expensive" });
    expect(await cache.wrap("user:1", 60, compute)).toEqual({ id: 1, name: "expensive" });
    expect(calls).toBe(1);
  });

  test("single flight holds over a store with latency (like Redis)", async () => {
    const store = new SlowStore();
    const cache = new Cache(store);
    let calls = 0;
    const compute = async () => {
      calls++;
      await Bun.sleep(3);
      return calls;
    };
    const first = Promise.all(Array.from({ length: 25 }, () => cache.wrap("k", 60, compute)));
    await Bun.sleep(2); // a second wave arrives while the computation runs
    const second = Promise.all(Array.from({ length: 25 }, () => cache.wrap("k", 60, compute)));
    const values = [...(await first), ...(await second)];
    expect(calls).toBe(1);
    expect(new Set(values)).toEqual(new Set([1]));
  });

  test("different keys compute independently", async () => {
    const cache = new Cache();
    const computed: string[] = [];
    const [a, b] = await Promise.all([
      cache.wrap("a", 60, () => {
        computed.push("a");
        return "A";
      }),
      cache.wrap("b", 60, () => {
        computed.push("b");
        return "B";
      }),
    ]);
    expect([a, b]).toEqual(["A", "B"]);
    expect(computed.sort()).toEqual(["a", "b"]);
  });

  test("a failure reaches every waiter, caches nothing, and the next call retries", async () => {
    const cache = new Cache();
    let calls = 0;
    const failing = async () => {
      calls++;
      await Bun.sleep(1);
      throw new Error("database down");
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => cache.wrap("x", 60, failing)));
    expect(calls).toBe(1);
    expect(outcomes.every((o) => o.status === "rejected" && o.reason.message === "database down")).toBe(true);
    expect(await cache.has("x")).toBe(false);
    expect(await cache.wrap("x", 60, () => "recovered")).toBe("recovered");
  });

  test("wrap(key, compute) uses the default TTL; undefined results are not cached", async () => {
    at(0);
    const cache = new Cache({ ttl: 10 });
    let calls = 0;
    expect(await cache.wrap("n", () => ++calls)).toBe(1);
    at(9);
    expect(await cache.wrap("n", () => ++calls)).toBe(1);
    at(10);
    expect(await cache.wrap("n", () => ++calls)).toBe(2);

    let lookups = 0;
    const missing = () => {
      lookups++;
      return undefined;
    };
    await cache.wrap("missing", missing);
    await cache.wrap("missing", missing);
    expect(lookups).toBe(2);
  });

  test("wrap without a function is a TypeError", async () => {
    const cache = new Cache();
    await expect(cache.wrap("k", 10, undefined as unknown as () => number)).rejects.toThrow(TypeError);
  });
});
