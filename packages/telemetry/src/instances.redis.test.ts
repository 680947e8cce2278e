// Several app instances recording into one Redis (single node; Cluster and Sentinel under
// `bun run test:topologies`): totals and caps must be exact.
import { afterAll, describe, expect, test } from "bun:test";
import type { ServerHandle } from "@harpia/core";
import { RedisStore } from "@harpia/store-redis";
import { testRedis } from "../../store-redis/test/support/target";
import { siteWithTelemetry, uniquePrefix } from "../test/support/test-support";
import type { Telemetry } from "./telemetry";

const stores: RedisStore[] = [];
const servers: ServerHandle[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop(true);
  for (const store of stores) {
    await store.clear().catch(() => {});
    await store.close();
  }
});

/** Two instances, each with its own Redis connection and Telemetry, sharing one key prefix. */
function twoInstances(options: Parameters<typeof siteWithTelemetry>[1] = {}) {
  const prefix = uniquePrefix("instances");
  const instance = () => {
    const store = new RedisStore(testRedis.connection(), { prefix });
    stores.push(store);
    const { app, telemetry } = siteWithTelemetry(store, options);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    servers.push(server);
    return { telemetry, server };
  };
  return [instance(), instance()] as const;
}

async function settle(instances: readonly { telemetry: Telemetry }[]): Promise<void> {
  await Promise.all(instances.map(({ telemetry }) => telemetry.settled()));
}

describe("two instances on one Redis", () => {
  test("200 concurrent requests split across both are counted exactly", async () => {
    const instances = twoInstances();
    const requests = Array.from({ length: 200 }, (_, i) => {
      const { server } = instances[i % 2]!;
      const path = i % 10 === 9 ? "/boom" : `/p/${i % 4}`;
      return fetch(new URL(path, server.url), { headers: { "x-forwarded-for": `172.16.0.${i % 25}` } });
    });
    const statuses = await Promise.all(requests.map(async (r) => (await r).status));
    expect(statuses.filter((s) => s === 500).length).toBe(20);
    await settle(instances);

    for (const { telemetry } of instances) {
      const summary = await telemetry.summary({ limit: 10 });
      expect(summary.totalRequests).toBe(200);
      expect(summary.uniqueVisitors).toBe(25);
      expect(summary.totalErrors).toBe(20);
    }
    const [{ telemetry }] = instances;
    const views = await telemetry.getPageViews();
    expect(Object.values(views).reduce((sum, n) => sum + n, 0)).toBe(200);
    expect(views["/boom"]).toBe(20);
    const visitors = await telemetry.getVisitors();
    expect(Object.keys(visitors).length).toBe(25);
    expect(Object.values(visitors).reduce((sum, v) => sum + v.totalRequests, 0)).toBe(200);
    expect((await telemetry.getVisitorByIp({ ip: "172.16.0.3" }))!.totalRequests).toBe(8);
    expect(await telemetry.countErrors()).toBe(20);
    expect((await telemetry.getErrors()).length).toBe(20);
  });

  test("caps hold exactly when both admit new visitors and paths at the same moment", async () => {
    const instances = twoInstances({ maxVisitorsKeys: 5, maxPaths: 3 });
    const requests = Array.from({ length: 120 }, (_, i) => {
      const { server } = instances[i % 2]!;
      return fetch(new URL(`/p/${i % 12}`, server.url), {
        headers: { "x-forwarded-for": `172.17.0.${i % 30}` },
      });
    });
    await Promise.all(requests);
    await settle(instances);
    const [{ telemetry }] = instances;
    expect(await telemetry.countUniqueVisitors()).toBe(5);
    const visitors = await telemetry.getVisitors();
    expect(Object.keys(visitors).length).toBe(5);
    const tracked = Object.values(visitors).reduce((sum, v) => sum + v.totalRequests, 0);
    const [day] = await telemetry.getDailyStats();
    expect(tracked + day!.untrackedRequests).toBe(120);
    const views = await telemetry.getPageViews();
    expect(Object.keys(views).filter((path) => path !== "(other)").length).toBe(3);
    expect(Object.values(views).reduce((sum, n) => sum + n, 0)).toBe(120);
  });

  test("every key has the retention TTL", async () => {
    const [{ telemetry, server }] = twoInstances({ retentionDays: 3 });
    await fetch(new URL("/p/1?utm_source=news", server.url), {
      headers: { "x-forwarded-for": "172.18.0.1" },
    });
    await fetch(new URL("/boom", server.url), { headers: { "x-forwarded-for": "172.18.0.1" } });
    await telemetry.settled();
    const store = telemetry.store as RedisStore;
    const keys = await store.keys("telemetry:");
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) {
      const ttl = await store.client.pttl(`${store.prefix}${key}`);
      expect(ttl).toBeGreaterThan(3 * 86_400_000);
      expect(ttl).toBeLessThanOrEqual(4 * 86_400_000);
    }
  });
});
