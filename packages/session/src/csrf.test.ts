import { afterEach, describe, expect, setSystemTime, test } from "bun:test";
import { MemoryStore, type Store } from "@harpia/core";
import { CountingStore } from "../test/support/helpers";
import { CSRF } from "./index";

afterEach(() => setSystemTime());

describe("seed: CSRF", () => {
  test("setup, generate, check, delete", async () => {
    const csrf = new CSRF({
      store: new MemoryStore(),
      ttl: 10 * 60 * 1000, // 10 minutes
    });
    const token = await csrf.generate("user-session-123");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const isValid = await csrf.check("user-session-123", token);
    expect(isValid).toBe(true);
    await csrf.delete("user-session-123");
    expect(await csrf.check("user-session-123", token)).toBe(false);
  });

  test("basic usage with the default store and ttl", async () => {
    const csrf = new CSRF();
    expect(csrf.ttl).toBe(5 * 60 * 1000);
    // Step 1: Generate a token for the user's session
    const sessionId = "session-001";
    const token = await csrf.generate(sessionId);
    // Step 3: When the client submits a form, verify the token
    const isValid = await csrf.check(sessionId, token);
    expect(isValid).toBe(true);
    // Step 4: Optionally delete the token after use
    await csrf.delete(sessionId);
    expect(await csrf.check(sessionId, token)).toBe(false);
  });
});

const stores: [string, () => Store][] = [
  ["an AtomicStore (MemoryStore)", () => new MemoryStore({ sweepIntervalSeconds: 0 })],
  ["a plain Store", () => new CountingStore()],
];

for (const [kind, makeStore] of stores) {
  describe(`CSRF tokens on ${kind}`, () => {
    test("tokens expire after ttl milliseconds", async () => {
      const start = new Date("2030-01-01T00:00:00Z").getTime();
      setSystemTime(start);
      const csrf = new CSRF({ store: makeStore(), ttl: 10 * 60 * 1000 });
      const token = await csrf.generate("s-expiry");
      setSystemTime(start + 9 * 60 * 1000);
      expect(await csrf.check("s-expiry", token)).toBe(true);
      setSystemTime(start + 10 * 60 * 1000 + 1);
      expect(await csrf.check("s-expiry", token)).toBe(false);
    });

    test("several tabs keep their tokens, up to maxTokens", async () => {
      const csrf = new CSRF({ store: makeStore(), maxTokens: 3 });
      const tabs = [];
      for (let i = 0; i < 3; i++) tabs.push(await csrf.generate("s-tabs"));
      for (const token of tabs) expect(await csrf.check("s-tabs", token)).toBe(true);
      await csrf.generate("s-tabs");
      expect(await csrf.check("s-tabs", tabs[0]!)).toBe(false);
      expect(await csrf.check("s-tabs", tabs[1]!)).toBe(true);
    });

    test("a token is valid only for its own session", async () => {
      const csrf = new CSRF({ store: makeStore() });
      const mine = await csrf.generate("s-alice");
      await csrf.generate("s-bob");
      expect(await csrf.check("s-bob", mine)).toBe(false);
      expect(await csrf.check("s-alice", `${mine.slice(0, -1)}${mine.endsWith("A") ? "B" : "A"}`)).toBe(
        false,
      );
      expect(await csrf.check("s-alice", mine.slice(1))).toBe(false);
      expect(await csrf.check("s-alice", "")).toBe(false);
      expect(await csrf.check("s-alice", ["x"] as unknown as string)).toBe(false);
      expect(await csrf.check("s-alice", "x".repeat(10_000))).toBe(false);
      expect(await csrf.check("", mine)).toBe(false);
    });

    test("token() is signed for its session, valid ttl milliseconds, and stores nothing", async () => {
      const start = new Date("2030-01-01T00:00:00Z").getTime();
      setSystemTime(start);
      const store = makeStore();
      const csrf = new CSRF({ store, ttl: 60_000, secret: "a-test-secret-of-some-length" });
      const token = await csrf.token("s-signed");
      expect(token).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
      expect(await store.has("csrf:s-signed")).toBe(false);
      expect(await csrf.check("s-signed", token)).toBe(true);
      expect(await csrf.check("s-other", token)).toBe(false);
      // Another expiry with the same signature: refused.
      const [expiry, mac] = token.split(".") as [string, string];
      const later = (Number.parseInt(expiry, 36) + 3_600_000).toString(36);
      expect(await csrf.check("s-signed", `${later}.${mac}`)).toBe(false);
      setSystemTime(start + 59_999);
      expect(await csrf.check("s-signed", token)).toBe(true);
      setSystemTime(start + 60_001);
      expect(await csrf.check("s-signed", token)).toBe(false);
    });
  });
}

describe("CSRF store and options", () => {
  test("keys are prefixed csrf: and the list expires with its newest token", async () => {
    const start = new Date("2030-01-01T00:00:00Z").getTime();
    setSystemTime(start);
    const store = new CountingStore();
    const csrf = new CSRF({ store, ttl: 1500 });
    await csrf.generate("s-keys");
    expect(await store.has("csrf:s-keys")).toBe(true);
    setSystemTime(start + 2001);
    expect(await store.has("csrf:s-keys")).toBe(false);
  });

  test("bad arguments are refused clearly", async () => {
    expect(() => new CSRF({ ttl: 0 })).toThrow(RangeError);
    expect(() => new CSRF({ maxTokens: 0 })).toThrow(RangeError);
    expect(() => new CSRF({ secret: "short" })).toThrow(/CSRF secret/);
    expect(() => new CSRF({ secret: [] })).toThrow(TypeError);
    expect(() => new CSRF({ secret: 42 as unknown as string })).toThrow(TypeError);
    expect(() => new CSRF().middleware({ browserCookieName: "bad name" })).toThrow(/browserCookieName/);
    const csrf = new CSRF();
    expect(csrf.generate("")).rejects.toThrow(TypeError);
    expect(csrf.generate("x".repeat(300))).rejects.toThrow(TypeError);
  });
});
