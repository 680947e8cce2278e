// Redis going away for real: a scratch redis-server is frozen (SIGSTOP) and killed (SIGKILL)
// under a running app. Every wait is bounded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { harpia, type ServerHandle } from "@harpia/core";
import { eventually, ScratchRedis } from "../test/support";
import { StoreUnavailableError } from "./errors";
import { RedisStore } from "./redis-store";

const redis = new ScratchRedis();
let store: RedisStore;
let server: ServerHandle;
const outages: string[] = [];

beforeAll(async () => {
  await redis.start();
  store = new RedisStore(
    { url: redis.url, options: { retryStrategy: () => 50 } },
    {
      prefix: "outage:",
      commandTimeout: 300,
      retryAfter: 500,
      logErrors: (message) => outages.push(message),
    },
  );
  const app = harpia({ logErrors: false });
  app.get("/notes/:id", async (req) => ({ note: (await store.get(req.params.id)) ?? null }));
  app.post("/notes/:id", async (req) => {
    await store.set(req.params.id, req.body);
    return { saved: true };
  });
  app.post("/hits", async () => ({ hits: await store.increment("hits") }));
  server = app.listen({ port: 0, hostname: "127.0.0.1" });
});

afterAll(async () => {
  await server?.stop(true);
  await store?.close();
  await redis.kill();
});

const call = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);
const post = (path: string, body: unknown) =>
  call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("RedisStore when Redis goes away", () => {
  test("a frozen server: routes answer 503 with Retry-After, then recover with every earlier write", async () => {
    expect((await post("/notes/a", { text: "before" })).status).toBe(200);
    expect(await (await post("/hits", {})).json()).toEqual({ hits: 1 });

    redis.pause();
    try {
      const first = await call("/notes/a");
      expect(first.status).toBe(503);
      expect(first.headers.get("retry-after")).toBe("1");
      const body = (await first.json()) as { code: string; message: string };
      expect(body.code).toBe("STORE_UNAVAILABLE");
      expect(body.message).not.toContain("timed out");
      // While the circuit is open the store does not even try Redis.
      const direct = await store.get("a").catch((e: unknown) => e);
      expect(direct).toBeInstanceOf(StoreUnavailableError);
      expect((await post("/hits", {})).status).toBe(503);
    } finally {
      redis.resume();
    }

    const back = await eventually(async () => (await call("/notes/a")).status === 200);
    expect(back).toBe(true);
    expect(await (await call("/notes/a")).json()).toEqual({ note: { text: "before" } });
    const hits = ((await (await post("/hits", {})).json()) as { hits: number }).hits;
    // The increment sent just before the timeout may have been applied once Redis resumed.
    expect([2, 3]).toContain(hits);
    expect(outages.some((m) => m.includes("unavailable"))).toBe(true);
  });

  test("a killed server: calls fail fast, nothing is queued for later, the store reconnects by itself", async () => {
    expect((await post("/notes/b", { text: "kept in Redis" })).status).toBe(200);
    await redis.kill();

    expect((await call("/notes/b")).status).toBe(503);
    const failedWrite = await store.set("late", "written while down").catch((e: unknown) => e);
    expect(failedWrite).toBeInstanceOf(StoreUnavailableError);
    expect((failedWrite as StoreUnavailableError).status).toBe(503);

    await redis.start(); // same port, empty (no persistence)
    const back = await eventually(async () => (await post("/notes/c", { text: "after" })).status === 200);
    expect(back).toBe(true);
    expect(await (await call("/notes/c")).json()).toEqual({ note: { text: "after" } });
    // The write refused during the outage was not replayed on reconnection.
    expect(await store.has("late")).toBe(false);
    expect(outages.at(-1)).toContain("reachable again");
  });
});
