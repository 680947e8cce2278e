// Options are checked when rateLimit(options) is called: a TypeError naming the option.
import { describe, expect, test } from "bun:test";
import harpia, { MemoryStore } from "@harpia/core";
import { type RateLimitOptions, rateLimit } from "@harpia/rate-limit";

const base = { limit: 10, window: "1m" } as const;

/** `rateLimit(options)` throws a TypeError whose message contains `mentions`. */
function refused(options: unknown, mentions: string | RegExp) {
  expect(() => rateLimit(options as RateLimitOptions)).toThrow(TypeError);
  expect(() => rateLimit(options as RateLimitOptions)).toThrow(mentions);
}

describe("options are checked when the limiter is made", () => {
  test("not an object", () => {
    refused(undefined, "rateLimit() takes an options object");
    refused(null, "rateLimit() takes an options object");
    refused([], "rateLimit() takes an options object");
  });

  test("unknown options (typos) are refused", () => {
    refused({ ...base, max: 5 }, 'unknown option "max"');
    refused({ ...base, windowMs: 60_000 }, 'unknown option "windowMs"');
  });

  test("limit: a whole number from 1", () => {
    for (const limit of [undefined, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10", 2e9])
      refused({ ...base, limit }, "rateLimit({ limit })");
  });

  test("window: whole seconds (1 s to a year), or a duration with a unit", () => {
    for (const window of [undefined, 0, -60, 1.5, "60", "500ms", "1.5s", "2y", "soon", "", null, 31_536_001])
      refused({ ...base, window }, "rateLimit({ window })");
  });

  test("window units: numbers are seconds, strings go through ms", async () => {
    const policy = async (window: RateLimitOptions["window"]) => {
      const app = harpia();
      app.use(rateLimit({ limit: 1, window }));
      app.get("/", () => "ok");
      return (await app.request("/")).headers.get("ratelimit-policy");
    };
    expect(await policy(60)).toBe('"default";q=1;w=60');
    expect(await policy("15s")).toBe('"default";q=1;w=15');
    expect(await policy("1m")).toBe('"default";q=1;w=60');
    expect(await policy("15 minutes")).toBe('"default";q=1;w=900');
    expect(await policy("1h")).toBe('"default";q=1;w=3600');
    expect(await policy("1d")).toBe('"default";q=1;w=86400');
    expect(await policy("2000ms" as RateLimitOptions["window"])).toBe('"default";q=1;w=2');
  });

  test("name: a safe token; required with a store", () => {
    for (const name of ["", "a b", 'quote"', "x".repeat(65), 42, "ünïcode"])
      refused({ ...base, name }, "rateLimit({ name })");
    refused({ ...base, store: new MemoryStore() }, "rateLimit({ name }) is required with a store");
    expect(() => rateLimit({ ...base, store: new MemoryStore(), name: "login" })).not.toThrow();
  });

  test("store: something with the Store methods", () => {
    refused({ ...base, name: "x", store: {} }, "rateLimit({ store })");
    refused({ ...base, name: "x", store: new Map() }, "rateLimit({ store })");
  });

  test("the enumerations", () => {
    refused({ ...base, algorithm: "token-bucket" }, "rateLimit({ algorithm })");
    refused({ ...base, headers: "draft-7" }, "rateLimit({ headers })");
    refused({ ...base, headers: true }, "rateLimit({ headers })");
    refused({ ...base, onStoreError: "ignore" }, "rateLimit({ onStoreError })");
    refused({ ...base, count: "successes" }, "rateLimit({ count })");
  });

  test("functions", () => {
    refused({ ...base, key: "ip" }, "rateLimit({ key })");
    refused({ ...base, skip: true }, "rateLimit({ skip })");
    refused({ ...base, now: 0 }, "rateLimit({ now })");
    refused({ ...base, logErrors: "yes" }, "rateLimit({ logErrors })");
  });

  test("ipv6Subnet: a prefix length, or false", () => {
    for (const ipv6Subnet of [0, 7, 129, 56.5, "56", true])
      refused({ ...base, ipv6Subnet }, "rateLimit({ ipv6Subnet })");
    expect(() => rateLimit({ ...base, ipv6Subnet: 64 })).not.toThrow();
    expect(() => rateLimit({ ...base, ipv6Subnet: false })).not.toThrow();
  });

  test("allow: IP addresses and CIDR ranges", () => {
    refused({ ...base, allow: "10.0.0.0/8" }, "rateLimit({ allow })");
    for (const entry of ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "fd00::/129", "localhost", "10.0.0", 42])
      refused({ ...base, allow: [entry] }, "rateLimit({ allow })");
    expect(() => rateLimit({ ...base, allow: ["10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8"] })).not.toThrow();
  });

  test("the value works on a route, a router and the app", () => {
    const limiter = rateLimit(base);
    expect(typeof limiter).toBe("function");
    const app = harpia();
    expect(() => app.get("/", limiter, () => "ok")).not.toThrow();
    expect(() => app.use(limiter)).not.toThrow();
  });
});
