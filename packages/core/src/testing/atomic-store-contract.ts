/**
 * The behaviour every `AtomicStore` shares, as a `bun:test` suite: run it against your own store
 * to know it is a drop-in replacement for `MemoryStore` (core's) and `RedisStore`
 * (`@harpia/store-redis`), which both pass it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { AtomicStore } from "../store/types";
import { StoreTypeError } from "../store/types";

/** Options of {@link runAtomicStoreContract}. */
export interface AtomicStoreContractOptions<S extends AtomicStore = AtomicStore> {
  /** Names the suite in the test report (`"<name>: AtomicStore contract"`). */
  name: string;
  /**
   * Makes the store for one test. Each test gets its own, and the suite clears it (`clear()`
   * with no prefix), so it must see only its own keys: a fresh in-memory store, or a store on a
   * shared server under a key prefix of its own.
   */
  create: () => S | Promise<S>;
  /** Runs after each test with that test's store: close connections, delete what is left. */
  cleanup?: (store: S) => void | Promise<void>;
}

/**
 * Registers the `AtomicStore` contract suite (values, TTLs, atomic add and counters, hashes,
 * sets, lists, `clear` and `keys`) for the stores `create` makes. Call it at the top level of a
 * test file; it takes about a second (TTL tests wait for real expiry).
 *
 * @example
 * // my-store.test.ts
 * import { runAtomicStoreContract } from "@harpia/core/testing";
 * import { MyStore } from "./my-store";
 *
 * runAtomicStoreContract({
 *   name: "MyStore",
 *   create: () => new MyStore({ prefix: `test:${crypto.randomUUID()}:` }),
 *   cleanup: (store) => store.close(),
 * });
 */
export function runAtomicStoreContract<S extends AtomicStore>(options: AtomicStoreContractOptions<S>): void {
  if (options === null || typeof options !== "object")
    throw new TypeError("runAtomicStoreContract() takes { name, create, cleanup? }");
  const { name, create, cleanup } = options;
  if (typeof name !== "string" || name === "")
    throw new TypeError("runAtomicStoreContract(): `name` must be a non-empty string");
  if (typeof create !== "function")
    throw new TypeError("runAtomicStoreContract(): `create` must be a function");
  if (cleanup !== undefined && typeof cleanup !== "function")
    throw new TypeError("runAtomicStoreContract(): `cleanup` must be a function");

  describe(`${name}: AtomicStore contract`, () => {
    const made: S[] = [];
    /** This test's store (cleaned up after it). */
    const fresh = async (): Promise<S> => {
      const store = await create();
      made.push(store);
      return store;
    };
    afterEach(async () => {
      const stores = made.splice(0);
      if (cleanup !== undefined) for (const store of stores) await cleanup(store);
    });

    test("set and get round-trip JSON values; get returns a copy", async () => {
      const store = await fresh();
      const value = { user: { id: 7, roles: ["admin"] }, when: new Date(0), n: null };
      await store.set("a", value);
      const read = await store.get("a");
      expect(read).toEqual({ user: { id: 7, roles: ["admin"] }, when: expect.anything(), n: null });
      read.user.roles.push("mutated");
      expect((await store.get("a")).user.roles).toEqual(["admin"]);
      expect(await store.get("missing")).toBeUndefined();
      await store.set("s", "text");
      await store.set("z", 0);
      await store.set("f", false);
      expect([await store.get("s"), await store.get("z"), await store.get("f")]).toEqual(["text", 0, false]);
    });

    test("set(key, undefined) removes the key: get answers undefined, as for a missing key", async () => {
      const store = await fresh();
      await store.set("gone", { a: 1 }, 60);
      await store.set("gone", undefined);
      expect(await store.get("gone")).toBeUndefined();
      expect(await store.has("gone")).toBe(false);
      await store.set("never", undefined);
      expect(await store.has("never")).toBe(false);
      await expect(store.set("gone", undefined, -1)).rejects.toBeInstanceOf(RangeError);
      await expect(store.add("gone", undefined)).rejects.toBeInstanceOf(TypeError);
      expect(await store.has("gone")).toBe(false);
    });

    test("a TTL expires the value", async () => {
      const store = await fresh();
      await store.set("short", 1, 0.05);
      await store.set("long", 1, 60);
      await Bun.sleep(120);
      expect(await store.has("short")).toBe(false);
      expect(await store.get("short")).toBeUndefined();
      expect(await store.get("long")).toBe(1);
    });

    test("invalid TTLs are refused", async () => {
      const store = await fresh();
      await expect(store.set("x", 1, 0)).rejects.toBeInstanceOf(RangeError);
      await expect(store.set("x", 1, -5)).rejects.toBeInstanceOf(RangeError);
      expect(await store.has("x")).toBe(false);
    });

    test("add stores only when absent", async () => {
      const store = await fresh();
      expect(await store.add("lock", "first", 60)).toBe(true);
      expect(await store.add("lock", "second", 60)).toBe(false);
      expect(await store.get("lock")).toBe("first");
    });

    test("delete and has", async () => {
      const store = await fresh();
      await store.set("k", { a: 1 });
      expect(await store.has("k")).toBe(true);
      await store.delete("k");
      await store.delete("k");
      expect(await store.has("k")).toBe(false);
    });

    test("increment counts from zero, by any amount, and get reads the counter", async () => {
      const store = await fresh();
      expect(await store.increment("c")).toBe(1);
      expect(await store.increment("c", 5)).toBe(6);
      expect(await store.increment("c", -2)).toBe(4);
      expect(await store.increment("f", 0.5)).toBe(0.5);
      expect(await store.increment("f", 0.25)).toBe(0.75);
      expect(await store.get("c")).toBe(4);
    });

    test("increment with a TTL is a fixed window from creation", async () => {
      const store = await fresh();
      expect(await store.increment("w", 1, 0.2)).toBe(1);
      await Bun.sleep(100);
      expect(await store.increment("w", 1, 0.2)).toBe(2);
      await Bun.sleep(150);
      // The second increment did not push the expiry back.
      expect(await store.get("w")).toBeUndefined();
      expect(await store.increment("w", 1, 60)).toBe(1);
    });

    test("increment of a non-number and a value read of a collection are StoreTypeErrors", async () => {
      const store = await fresh();
      await store.set("obj", { a: 1 });
      await expect(store.increment("obj")).rejects.toBeInstanceOf(StoreTypeError);
      await store.hashIncrement("h", "f");
      await expect(store.get("h")).rejects.toBeInstanceOf(StoreTypeError);
      await expect(store.setAdd("h", ["x"])).rejects.toBeInstanceOf(StoreTypeError);
      await expect(store.listPush("h", [1])).rejects.toThrow(/holds a hash, not a list/);
    });

    test("expire resets the TTL and reports missing keys", async () => {
      const store = await fresh();
      await store.set("e", 1, 60);
      expect(await store.expire("e", 0.05)).toBe(true);
      expect(await store.expire("nope", 10)).toBe(false);
      await Bun.sleep(120);
      expect(await store.has("e")).toBe(false);
    });

    test("clear removes only keys under the prefix, matched literally", async () => {
      const store = await fresh();
      await store.set("user:1", 1);
      await store.set("user:2", 2);
      await store.set("users", 3);
      await store.set("a*b", 4);
      await store.set("axb", 5);
      await store.clear("user:");
      expect(await store.has("user:1")).toBe(false);
      expect(await store.has("user:2")).toBe(false);
      expect(await store.get("users")).toBe(3);
      await store.clear("a*");
      expect(await store.has("a*b")).toBe(false);
      expect(await store.get("axb")).toBe(5);
      await store.clear();
      expect(await store.keys("")).toEqual([]);
    });

    test("keys lists keys by prefix", async () => {
      const store = await fresh();
      await store.set("p:1", 1);
      await store.hashIncrement("p:2", "f");
      await store.set("q:1", 1);
      expect((await store.keys("p:")).sort()).toEqual(["p:1", "p:2"]);
    });

    test("hash counters", async () => {
      const store = await fresh();
      expect(await store.hashIncrement("views", "/home")).toBe(1);
      expect(await store.hashIncrement("views", "/home", 2)).toBe(3);
      expect(await store.hashIncrement("views", "/about", 1, 60)).toBe(1);
      expect(await store.hashGetAll("views")).toEqual({ "/home": 3, "/about": 1 });
      expect(await store.hashGetAll("none")).toEqual({});
    });

    test("sets", async () => {
      const store = await fresh();
      expect(await store.setAdd("ips", ["1.1.1.1", "2.2.2.2", "1.1.1.1"], 60)).toBe(2);
      expect(await store.setAdd("ips", ["2.2.2.2", "3.3.3.3"])).toBe(1);
      expect(await store.setSize("ips")).toBe(3);
      expect(await store.setHas("ips", "3.3.3.3")).toBe(true);
      expect(await store.setHas("ips", "9.9.9.9")).toBe(false);
      expect((await store.setMembers("ips")).sort()).toEqual(["1.1.1.1", "2.2.2.2", "3.3.3.3"]);
      expect(await store.setMembers("none")).toEqual([]);
      expect(await store.setSize("none")).toBe(0);
    });

    test("removal from hashes, sets and lists, in place", async () => {
      const store = await fresh();
      await store.hashIncrement("h", "a", 1);
      await store.hashIncrement("h", "b", 2);
      expect(await store.hashDelete("h", ["a", "missing"])).toBe(1);
      expect(await store.hashGetAll("h")).toEqual({ b: 2 });
      await store.setAdd("s", ["x", "y", "z"]);
      expect(await store.setRemove("s", ["x", "z", "nope"])).toBe(2);
      expect(await store.setMembers("s")).toEqual(["y"]);
      await store.listPush("l", [
        { ip: "1.1.1.1", n: 1 },
        { ip: "2.2.2.2", n: 2 },
        { ip: "1.1.1.1", n: 3 },
      ]);
      const doomed = (await store.listRange<{ ip: string }>("l")).filter((item) => item.ip === "1.1.1.1");
      // An item pushed between reading and removing survives (no rewrite of the list).
      await store.listPush("l", [{ ip: "3.3.3.3", n: 4 }]);
      expect(await store.listRemove("l", doomed)).toBe(2);
      expect(await store.listRange("l")).toEqual([
        { ip: "3.3.3.3", n: 4 },
        { ip: "2.2.2.2", n: 2 },
      ]);
      expect(await store.listRemove("none", [{ a: 1 }])).toBe(0);
      expect(await store.setRemove("none", ["a"])).toBe(0);
    });

    test("lists are newest first, trimmed and ranged", async () => {
      const store = await fresh();
      expect(await store.listPush("log", [{ n: 1 }])).toBe(1);
      expect(await store.listPush("log", [{ n: 2 }, { n: 3 }], { maxLength: 10, ttlSeconds: 60 })).toBe(3);
      expect(await store.listRange("log")).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
      expect(await store.listRange("log", 0, 0)).toEqual([{ n: 3 }]);
      expect(await store.listRange("log", -2, -1)).toEqual([{ n: 2 }, { n: 1 }]);
      expect(await store.listPush("log", [{ n: 4 }], { maxLength: 2 })).toBe(2);
      expect(await store.listRange("log")).toEqual([{ n: 4 }, { n: 3 }]);
      expect(await store.listRange("none")).toEqual([]);
    });
  });
}
