// The store and the fan-out close with the app: `app.use(store)` and `app.use(redisPubSub())`
// register `app.onClose` hooks, so `app.close()` (or SIGTERM with `shutdownOnSignals`) leaves no
// Redis connection open, checked with Redis's own `CLIENT LIST`. The in-process tests run on
// every topology (`bun run test:topologies`); the SIGTERM test runs a real process on the
// single node.
import { afterAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { harpia } from "@harpia/core";
import { namedConnections, REDIS_URL, testRedis, uniquePrefix } from "../test/support";
import { StoreUnavailableError } from "./errors";
import { redisPubSub } from "./pubsub";
import { RedisStore } from "./redis-store";

const onSingleNode = testRedis.kind === "single";
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

/** A connection-name marker unique to one test. */
const marker = (label: string) => `harpia-test-${label}-${crypto.randomUUID()}`;

/** Whether Redis has no connection named with `name` left (checked right after closing: no polling). */
const allClosed = async (name: string) => (await namedConnections(name)).length === 0;

describe(`closing with the app (${testRedis.label})`, () => {
  test("await app.close() closes every connection the store and the fan-out opened, store last", async () => {
    const name = marker("close");
    const store = new RedisStore(testRedis.connection(`${name}-store`), { prefix: uniquePrefix("close") });
    cleanup.push(() => store.close());
    const app = harpia({ logErrors: false });
    app.use(store);
    // Hooks run in reverse: what was installed after the store closes before it, with the store open.
    let storeDuringClose: boolean | undefined;
    app.onClose(async () => {
      storeDuringClose = await store.ping();
    });
    const fanOut = redisPubSub({ store, channel: uniquePrefix("close-ws") });
    app.use(fanOut);
    expect(app.hasPlugin("@harpia/store-redis")).toBe(true);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    cleanup.push(() => server.stop(true));
    await Promise.all([fanOut.ready, store.set("k", 1)]);

    const before = await namedConnections(name);
    expect(before.some((n) => n.endsWith(`${name}-store`))).toBe(true); // the store's
    expect(before.some((n) => n.endsWith(`${name}-store:sub`))).toBe(true); // the fan-out's subscriber

    await app.close();
    expect(storeDuringClose).toBe(true);
    expect(store.client.status).toBe("end"); // closed, not just asked to close
    expect(await allClosed(name)).toBe(true);
    await expect(store.get("k")).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close(); // closing again is harmless
  });

  test.if(onSingleNode)("a fan-out's own connections close with the app", async () => {
    const name = marker("fanout");
    const app = harpia({ logErrors: false });
    const fanOut = redisPubSub({
      url: REDIS_URL,
      options: { connectionName: `${name}-fanout` },
      channel: uniquePrefix("own-ws"),
    });
    cleanup.push(() => fanOut.close());
    app.use(fanOut);
    await fanOut.ready;
    expect((await namedConnections(name)).sort()).toEqual([`${name}-fanout`, `${name}-fanout:sub`]);
    await app.close();
    expect(await allClosed(name)).toBe(true);
  });

  test("a store not installed with app.use() stays open: it is yours to close", async () => {
    const name = marker("unused");
    const store = new RedisStore(testRedis.connection(name), { prefix: uniquePrefix("unused") });
    cleanup.push(() => store.close());
    const app = harpia({ logErrors: false });
    app.get("/", async () => store.ping());
    await app.close();
    expect(await store.ping()).toBe(true);
    const open = await namedConnections(name);
    expect(open.length).toBeGreaterThan(0); // one per node of a Cluster
    expect(open.every((n) => n === name)).toBe(true);
    await store.close();
    expect(await allClosed(name)).toBe(true);
  });
});

/** Collects a child's stdout lines (reading to the end, so its writes never fail). */
function stdoutLines(stream: ReadableStream<Uint8Array>) {
  const lines: string[] = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      lines.push(...parts);
    }
  })();
  return {
    lines,
    /** The first line starting with `prefix`, waiting at most `ms`; `""` if none came. */
    async first(prefix: string, ms = 10_000): Promise<string> {
      const found = () => lines.find((line) => line.startsWith(prefix));
      const deadline = Date.now() + ms;
      while (found() === undefined && Date.now() < deadline) {
        if (await Promise.race([done.then(() => true), Bun.sleep(20).then(() => false)])) break;
      }
      return found() ?? "";
    },
  };
}

describe.if(onSingleNode)("listen({ shutdownOnSignals: true }) with a RedisStore and a fan-out", () => {
  test("SIGTERM: the request in flight completes, new connections are refused, every Redis connection closes, exit 0", async () => {
    const name = marker("sigterm");
    const child = Bun.spawn(["bun", path.join(import.meta.dir, "../test/support/shutdown-app.ts")], {
      env: { ...process.env, REDIS_URL, NAME: name, SLOW_MS: "400" },
      stdout: "pipe",
      stderr: "inherit",
    });
    cleanup.push(async () => {
      child.kill("SIGKILL");
      const cleaner = new RedisStore({ url: REDIS_URL }, { prefix: `${name}:`, logErrors: false });
      await cleaner.clear();
      await cleaner.close();
    });
    const output = stdoutLines(child.stdout);
    const ready = await output.first("ready ");
    expect(ready).toStartWith("ready ");
    const port = Number(ready.split(" ")[1]);
    // The store's connection, the fan-out's publisher and its subscriber.
    expect((await namedConnections(name)).sort()).toEqual([
      `${name}-fanout`,
      `${name}-fanout:sub`,
      `${name}-store`,
    ]);

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await Bun.sleep(100);
    child.kill("SIGTERM");
    await Bun.sleep(50);
    await expect(fetch(`http://127.0.0.1:${port}/slow`)).rejects.toThrow();
    // The request in flight ran to its end, store included: the store closes after the drain.
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ count: 1 });

    // It exits by itself, with code 0: nothing left open keeps it alive (`beforeExit` fires only
    // when the event loop empties; the safety timer of shutdownOnSignals would call exit after 21 s).
    const code = await Promise.race([child.exited, Bun.sleep(5_000).then(() => "still running")]);
    expect(code).toBe(0);
    expect(await output.first("exiting by itself", 1_000)).toBe("exiting by itself");
    expect(await namedConnections(name)).toEqual([]);
  }, 20_000);
});
