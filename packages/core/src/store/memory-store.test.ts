import { afterEach, describe, expect, setSystemTime, test } from "bun:test";
import { MemoryStore } from "./memory-store";
import { StoreTypeError } from "./types";

const START = new Date("2030-01-01T00:00:00Z").getTime();

/** Moves the clock `seconds` past START (Date.now is what expiry reads). */
function at(seconds: number): void {
  setSystemTime(new Date(START + seconds * 1000));
}

function store(options: ConstructorParameters<typeof MemoryStore>[0] = {}): MemoryStore {
  return new MemoryStore({ sweepIntervalSeconds: 0, ...options });
}

afterEach(() => {
  setSystemTime();
});

describe("MemoryStore basics (the seed's example)", () => {
  test("set, get and delete", async () => {
    const memoryStore = store();
    await memoryStore.set("session123", { userId: 1, username: "Alice" });
    expect(await memoryStore.get("session123")).toEqual({ userId: 1, username: "Alice" });
    await memoryStore.delete("session123");
    expect(await memoryStore.get("session123")).toBeUndefined();
  });

  test("has, and overwriting a key keeps one entry", async () => {
    const s = store();
    expect(await s.has("k")).toBe(false);
    await s.set("k", 1);
    await s.set("k", 2);
    expect(await s.has("k")).toBe(true);
    expect(await s.get("k")).toBe(2);
    expect(s.size).toBe(1);
    await s.delete("never-there"); // no error
  });

  test("falsy values are stored, not confused with absence", async () => {
    const s = store();
    await s.set("zero", 0);
    await s.set("empty", "");
    await s.set("no", false);
    await s.set("nothing", null);
    expect(await s.get("zero")).toBe(0);
    expect(await s.get("empty")).toBe("");
    expect(await s.get("no")).toBe(false);
    expect(await s.get("nothing")).toBeNull();
    expect(await s.has("nothing")).toBe(true);
  });
});

describe("values are copied in and out, with JSON semantics like a Redis store", () => {
  test("a caller's later mutation never changes what is stored", async () => {
    const s = store();
    const profile = { name: "Ana", tags: ["a"] };
    await s.set("p", profile);
    profile.name = "changed";
    profile.tags.push("b");
    const first = await s.get<typeof profile>("p");
    expect(first).toEqual({ name: "Ana", tags: ["a"] });
    first!.tags.push("mutated after get");
    expect(await s.get("p")).toEqual({ name: "Ana", tags: ["a"] });
  });

  test("dates come back as ISO strings and undefined fields vanish, as in Redis", async () => {
    const s = store();
    const when = new Date("2024-05-06T07:08:09.000Z");
    await s.set("v", { when, gone: undefined, kept: 1 });
    expect(await s.get("v")).toEqual({ when: "2024-05-06T07:08:09.000Z", kept: 1 });
  });

  test("what JSON cannot hold is refused at set time with a TypeError", async () => {
    const s = store();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(s.set("c", circular)).rejects.toThrow(TypeError);
    await expect(s.set("b", 10n)).rejects.toThrow(TypeError);
    await expect(s.set("f", () => 1)).rejects.toThrow(TypeError);
    // Nested values JSON would silently drop or flatten are refused too, as RedisStore does.
    await expect(s.set("nested-fn", { run: () => 1 })).rejects.toThrow('property "run"');
    await expect(s.set("map", { m: new Map([[1, 2]]) })).rejects.toThrow("JSON would turn it into {}");
    await expect(s.set("set", [new Set([1])])).rejects.toThrow("JSON would turn it into {}");
    await expect(s.set("sym", { s: Symbol("x") })).rejects.toThrow(TypeError);
    expect(await s.has("nested-fn")).toBe(false);
    await expect(s.add("u", undefined)).rejects.toThrow(/Cannot store undefined/);
    expect(s.size).toBe(0);
  });

  test("set(key, undefined) removes the key, so get answers undefined as for a missing key", async () => {
    const s = store();
    await s.set("k", { a: 1 });
    await s.set("k", undefined);
    expect(await s.get("k")).toBeUndefined();
    expect(await s.has("k")).toBe(false);
    await s.set("never-set", undefined);
    expect(s.size).toBe(0);
    await expect(s.set("k", undefined, -1)).rejects.toBeInstanceOf(RangeError);
  });
});

describe("TTL", () => {
  test("a key expires after its TTL and not before", async () => {
    at(0);
    const s = store();
    await s.set("short", "x", 10);
    await s.set("forever", "y");
    at(9.999);
    expect(await s.get("short")).toBe("x");
    at(10);
    expect(await s.get("short")).toBeUndefined();
    expect(await s.has("short")).toBe(false);
    at(1_000_000);
    expect(await s.get("forever")).toBe("y");
  });

  test("setting again replaces the TTL; set without TTL makes it permanent", async () => {
    at(0);
    const s = store();
    await s.set("k", 1, 5);
    await s.set("k", 2);
    at(100);
    expect(await s.get("k")).toBe(2);
  });

  test("a TTL must be a positive number of seconds", async () => {
    const s = store();
    for (const bad of [0, -1, Number.NaN]) await expect(s.set("k", 1, bad)).rejects.toThrow(RangeError);
  });

  test("expire() slides a key's lifetime; false for a missing key", async () => {
    at(0);
    const s = store();
    await s.set("session", { id: 1 }, 10);
    at(8);
    expect(await s.expire("session", 10)).toBe(true);
    at(17);
    expect(await s.get("session")).toEqual({ id: 1 });
    at(18);
    expect(await s.get("session")).toBeUndefined();
    expect(await s.expire("session", 10)).toBe(false);
  });

  test("sweep() drops expired keys from memory; keys() never lists them", async () => {
    at(0);
    const s = store();
    await s.set("a:1", 1, 1);
    await s.set("a:2", 2);
    at(2);
    expect(await s.keys("a:")).toEqual(["a:2"]);
    expect(s.size).toBe(2);
    s.sweep();
    expect(s.size).toBe(1);
  });
});

describe("size cap with least-recently-used eviction", () => {
  test("a recently read key survives eviction (LRU, not FIFO)", async () => {
    const s = store({ maxEntries: 3 });
    await s.set("a", 1);
    await s.set("b", 2);
    await s.set("c", 3);
    await s.get("a"); // a is now the most recently used; b the least
    await s.set("d", 4);
    expect(await s.has("b")).toBe(false);
    expect(await s.get("a")).toBe(1);
    expect(await s.get("c")).toBe(3);
    expect(await s.get("d")).toBe(4);
    expect(s.size).toBe(3);
  });

  test("writes count as use too, and the cap holds under many keys", async () => {
    const s = store({ maxEntries: 100 });
    await s.set("keep", "me");
    for (let i = 0; i < 1_000; i++) {
      await s.set(`k${i}`, i);
      if (i % 50 === 0) await s.set("keep", "me"); // refreshed often enough to stay
    }
    expect(s.size).toBe(100);
    expect(await s.get("keep")).toBe("me");
    expect(await s.get("k0")).toBeUndefined();
    expect(await s.get("k999")).toBe(999);
  });

  test("options are validated", () => {
    expect(() => store({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => store({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => store({ maxCollectionSize: -1 })).toThrow(RangeError);
    expect(() => store({ maxListLength: 0 })).toThrow(RangeError);
    expect(() => new MemoryStore({ sweepIntervalSeconds: -1 })).toThrow(RangeError);
  });
});

describe("atomic Store operations", () => {
  test("add() stores only when absent; exactly one of many concurrent adds wins", async () => {
    at(0);
    const s = store();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.add("lock", `owner-${i}`, 5)));
    expect(results.filter(Boolean).length).toBe(1);
    expect(await s.get("lock")).toBe(`owner-${results.indexOf(true)}`);
    at(5);
    expect(await s.add("lock", "next", 5)).toBe(true); // expired locks can be taken again
  });

  test("increment() counts from 0, atomically under concurrency", async () => {
    const s = store();
    expect(await s.increment("hits")).toBe(1);
    expect(await s.increment("hits", 5)).toBe(6);
    expect(await s.increment("hits", -2)).toBe(4);
    await Promise.all(Array.from({ length: 100 }, () => s.increment("burst")));
    expect(await s.get("burst")).toBe(100);
  });

  test("increment() with a TTL is a fixed window: later increments do not extend it", async () => {
    at(0);
    const s = store();
    await s.increment("rate:1.2.3.4", 1, 60);
    at(59);
    expect(await s.increment("rate:1.2.3.4", 1, 60)).toBe(2);
    at(60);
    expect(await s.increment("rate:1.2.3.4", 1, 60)).toBe(1); // a new window
  });

  test("increment() refuses non-numbers with StoreTypeError and bad steps with TypeError", async () => {
    const s = store();
    await s.set("name", "ana");
    await expect(s.increment("name")).rejects.toThrow(StoreTypeError);
    await expect(s.increment("n", Number.NaN)).rejects.toThrow(TypeError);
    await expect(s.increment("n", Number.POSITIVE_INFINITY)).rejects.toThrow(TypeError);
  });

  test("numbers keep JSON's semantics though counters are kept unencoded", async () => {
    const s = store();
    await s.set("n", 5);
    expect(await s.increment("n", 2)).toBe(7);
    await s.set("text", "5"); // a string stays a string: not a counter
    await expect(s.increment("text")).rejects.toThrow(StoreTypeError);
    await s.set("nan", Number.NaN); // JSON has no NaN: stored as null
    expect(await s.get("nan")).toBeNull();
    await s.set("zero", -0);
    expect(Object.is(await s.get("zero"), 0)).toBe(true);
    expect(Object.is(await s.increment("z", -0), 0)).toBe(true);
    await s.increment("big", Number.MAX_VALUE);
    expect(await s.increment("big", Number.MAX_VALUE)).toBe(Number.POSITIVE_INFINITY);
    expect(await s.get("big")).toBeNull(); // past the finite range, as JSON (and Redis) have it
  });

  test("getSync / incrementSync answer what get / increment would, synchronously", async () => {
    at(0);
    const s = store();
    expect(s.incrementSync("c", 1, 10)).toBe(1);
    expect(s.incrementSync("c")).toBe(2);
    expect(await s.get("c")).toBe(2);
    expect(s.getSync("c")).toBe(2);
    expect(s.getSync("missing")).toBeUndefined();
    await s.set("obj", { a: 1 });
    expect(s.getSync("obj")).toEqual({ a: 1 });
    expect(() => s.incrementSync("obj")).toThrow(StoreTypeError);
    at(10);
    expect(s.getSync("c")).toBeUndefined(); // the window's TTL still holds
  });

  test("re-reading the newest key keeps the LRU order right", async () => {
    const s = store({ maxEntries: 2 });
    await s.increment("a");
    await s.increment("a"); // already the newest
    await s.increment("b");
    await s.delete("b");
    await s.get("a");
    await s.set("c", 1);
    await s.set("d", 1); // evicts a, the least recently used
    expect(await s.has("a")).toBe(false);
    expect(await s.get("c")).toBe(1);
  });

  test("clear(prefix) removes only that prefix; clear() removes everything", async () => {
    const s = store();
    await s.set("cache:a", 1);
    await s.set("cache:b", 2);
    await s.set("session:x", 3);
    await s.clear("cache:");
    expect(await s.keys("")).toEqual(["session:x"]);
    await s.clear();
    expect(s.size).toBe(0);
  });

  test("a key of one kind used as another is a StoreTypeError (like Redis WRONGTYPE)", async () => {
    const s = store();
    await s.hashIncrement("h", "f");
    await s.set("v", 1);
    await expect(s.get("h")).rejects.toThrow(StoreTypeError);
    await expect(s.setAdd("v", ["m"])).rejects.toThrow(StoreTypeError);
    await expect(s.listRange("h")).rejects.toThrow(StoreTypeError);
    expect(await s.add("h", 1)).toBe(false);
    expect(await s.has("h")).toBe(true);
  });
});

describe("AtomicStore collections", () => {
  test("hashIncrement / hashGetAll", async () => {
    const s = store();
    expect(await s.hashGetAll("views")).toEqual({});
    await s.hashIncrement("views", "/home");
    await s.hashIncrement("views", "/home", 2);
    await Promise.all(Array.from({ length: 50 }, () => s.hashIncrement("views", "/about")));
    expect(await s.hashGetAll("views")).toEqual({ "/home": 3, "/about": 50 });
  });

  test("a hash never grows past maxCollectionSize; existing fields still count", async () => {
    const s = store({ maxCollectionSize: 2 });
    await s.hashIncrement("h", "a");
    await s.hashIncrement("h", "b");
    expect(await s.hashIncrement("h", "c")).toBe(0);
    expect(await s.hashIncrement("h", "a")).toBe(2);
    expect(await s.hashGetAll("h")).toEqual({ a: 2, b: 1 });
  });

  test("setAdd / setMembers / setSize / setHas, with the size cap", async () => {
    const s = store({ maxCollectionSize: 3 });
    expect(await s.setAdd("visitors", ["ip1", "ip2", "ip1"])).toBe(2);
    expect(await s.setAdd("visitors", ["ip2", "ip3", "ip4"])).toBe(1);
    expect((await s.setMembers("visitors")).sort()).toEqual(["ip1", "ip2", "ip3"]);
    expect(await s.setSize("visitors")).toBe(3);
    expect(await s.setHas("visitors", "ip3")).toBe(true);
    expect(await s.setHas("visitors", "ip4")).toBe(false);
    expect(await s.setSize("nobody")).toBe(0);
    expect(await s.setMembers("nobody")).toEqual([]);
  });

  test("collections expire with their TTL", async () => {
    at(0);
    const s = store();
    await s.setAdd("daily", ["a"], 10);
    await s.hashIncrement("hourly", "x", 1, 10);
    at(10);
    expect(await s.setSize("daily")).toBe(0);
    expect(await s.hashGetAll("hourly")).toEqual({});
  });

  test("listPush keeps newest first, trims to maxLength and to the store's cap", async () => {
    const s = store({ maxListLength: 4 });
    expect(await s.listPush("events", [{ n: 1 }])).toBe(1);
    expect(await s.listPush("events", [{ n: 2 }, { n: 3 }], { maxLength: 3 })).toBe(3);
    expect(await s.listRange("events")).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
    await s.listPush("events", [{ n: 4 }], { maxLength: 2 });
    expect(await s.listRange("events")).toEqual([{ n: 4 }, { n: 3 }]);
    await s.listPush("capped", [1, 2, 3, 4, 5, 6], { maxLength: 100 });
    expect(await s.listRange("capped")).toEqual([6, 5, 4, 3]);
    await expect(s.listPush("events", [1], { maxLength: 0 })).rejects.toThrow(RangeError);
  });

  test("listRange follows Redis LRANGE indices, and items are copies", async () => {
    const s = store();
    await s.listPush("l", ["a", "b", "c", "d"]); // stored d, c, b, a
    expect(await s.listRange("l", 0, 1)).toEqual(["d", "c"]);
    expect(await s.listRange("l", -2, -1)).toEqual(["b", "a"]);
    expect(await s.listRange("l", 1, 100)).toEqual(["c", "b", "a"]);
    expect(await s.listRange("l", 3, 1)).toEqual([]);
    expect(await s.listRange("none")).toEqual([]);
    const item = { deep: { x: 1 } };
    await s.listPush("objects", [item]);
    item.deep.x = 2;
    const [read] = await s.listRange<typeof item>("objects");
    expect(read).toEqual({ deep: { x: 1 } });
  });

  test("a value that is not JSON leaves the list untouched", async () => {
    const s = store();
    await s.listPush("l", ["ok"]);
    await expect(s.listPush("l", ["fine", 1n])).rejects.toThrow(TypeError);
    expect(await s.listRange("l")).toEqual(["ok"]);
  });
});
