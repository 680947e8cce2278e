import { describe, expect, test } from "bun:test";
import { MemoryStore } from "../store/memory-store";
import { runAtomicStoreContract } from "./index";

const created: MemoryStore[] = [];
const cleaned: MemoryStore[] = [];

runAtomicStoreContract({
  name: "MemoryStore",
  create: () => {
    const store = new MemoryStore();
    created.push(store);
    return store;
  },
  cleanup: (store) => {
    store.close();
    cleaned.push(store);
  },
});

describe("runAtomicStoreContract", () => {
  test("each test got a store of its own, and every one was cleaned up after its test", () => {
    expect(created.length).toBeGreaterThan(10);
    expect(new Set(created).size).toBe(created.length);
    expect(cleaned).toEqual(created);
  });

  test("wrong options are TypeErrors naming the option", () => {
    const run = runAtomicStoreContract as (options: unknown) => void;
    expect(() => run(undefined)).toThrow(TypeError);
    expect(() => run({ name: "", create: () => new MemoryStore() })).toThrow(/`name`/);
    expect(() => run({ name: "x" })).toThrow(/`create`/);
    expect(() => run({ name: "x", create: () => new MemoryStore(), cleanup: 1 })).toThrow(/`cleanup`/);
  });
});
