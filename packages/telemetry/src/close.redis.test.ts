// app.close() and telemetry: recordings in flight reach the store before the store closes.
import { afterAll, describe, expect, test } from "bun:test";
import { harpia } from "@harpia/core";
import { RedisStore } from "@harpia/store-redis";
import { REDIS_URL, uniquePrefix } from "../test/support/test-support";
import { telemetry } from "./telemetry";

const opened: RedisStore[] = [];
function redis(prefix: string): RedisStore {
  const store = new RedisStore({ url: REDIS_URL }, { prefix, logErrors: false });
  opened.push(store);
  return store;
}

afterAll(async () => {
  const reader = opened[opened.length - 1];
  await reader?.clear().catch(() => {});
  for (const store of opened) await store.close();
});

describe("app.close()", () => {
  test("waits for recordings in flight: a request answered just before close is in the store after", async () => {
    const prefix = uniquePrefix("telemetry-close");
    const store = redis(prefix);
    const failures: unknown[] = [];
    const app = harpia();
    // The recommended order: whoever closes the store registers that first, telemetry after,
    // so telemetry's onClose (waiting for its recordings) runs before the store's.
    app.onClose(() => store.close());
    app.use(telemetry({ store, onError: (error) => failures.push(error) }));
    app.get("/checkout", () => "paid");
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => fetch(new URL("/checkout", server.url))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // The responses are out; their recordings (several Redis round trips each) are not.
    await app.close();
    expect(failures).toEqual([]);

    // Read with a fresh connection: the first one is closed.
    const reading = telemetry({ store: redis(prefix) });
    expect((await reading.summary()).totalRequests).toBe(5);
    expect(await reading.getPageViews()).toEqual({ "/checkout": 5 });
    expect((await reading.getVisitors())["127.0.0.1"]?.totalRequests).toBe(5);
  });
});
