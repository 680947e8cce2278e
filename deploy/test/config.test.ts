import { expect, test } from "bun:test";
import { configFromEnv } from "../app/config";

test("defaults: one Redis node, nginx on this machine, a drain of 3 s", () => {
  const config = configFromEnv({});
  expect(config).toMatchObject({
    port: 3000,
    hostname: "127.0.0.1",
    redis: { url: "redis://127.0.0.1:6379" },
    trustProxy: "loopback",
    drainMs: 3000,
    apiLimit: 60,
  });
});

test("REDIS_CLUSTER lists the startup nodes; TRUST_PROXY takes hops or addresses", () => {
  const config = configFromEnv({
    REDIS_CLUSTER: "10.0.0.20:7000, 10.0.0.21:7000,[::1]:7001",
    TRUST_PROXY: "10.0.0.5,10.0.1.0/24",
  });
  expect(config.redis).toEqual({
    cluster: [
      { host: "10.0.0.20", port: 7000 },
      { host: "10.0.0.21", port: 7000 },
      { host: "::1", port: 7001 },
    ],
  });
  expect(config.trustProxy).toEqual(["10.0.0.5", "10.0.1.0/24"]);
  expect(configFromEnv({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
});

test("unusable settings stop the start with a message naming the variable", () => {
  expect(() => configFromEnv({ PORT: "http" })).toThrow(/PORT/);
  expect(() => configFromEnv({ REDIS_CLUSTER: "10.0.0.20" })).toThrow(/REDIS_CLUSTER/);
  expect(() => configFromEnv({ REDIS_URL: "10.0.0.20:6379" })).toThrow(/REDIS_URL/);
  expect(() => configFromEnv({ DRAIN_MS: "-1" })).toThrow(/DRAIN_MS/);
  // In production every instance must share one secret; no default is made up.
  expect(() => configFromEnv({ NODE_ENV: "production" })).toThrow(/COOKIE_SECRET/);
  expect(() => configFromEnv({ NODE_ENV: "production", COOKIE_SECRET: "short" })).toThrow(/COOKIE_SECRET/);
});
