// Failover under load: an app on a RedisStore answers writes from a bounded pool of concurrent
// clients while the test kills the Redis master under it; every response is recorded, then
// every acknowledged write is read back.
import { expect } from "bun:test";
import { type Harpia, harpia, type ServerHandle } from "@harpia/core";
import { type RedisConnection, type RedisPubSub, RedisStore, redisPubSub } from "../../src/index";
import { type FailoverFigures, figures, type LoadReport, lostWrites, runLoad } from "./load";
import { connectClient, until } from "./ws";

/** An app instance of the failover tests. */
export interface FailoverInstance {
  app: Harpia;
  server: ServerHandle;
  /** WebSocket fan-out on the store's Redis (`/rooms/:room` subscribes to the room). */
  pubsub: RedisPubSub;
  stop(): Promise<void>;
}

/**
 * An app with counter and document routes on `store` and WebSocket rooms fanned out through
 * Redis on `channel`, listening on a free loopback port.
 */
export function failoverApp(store: RedisStore, channel: string): FailoverInstance {
  const app = harpia({ logErrors: false });
  app.ws("/rooms/:room", {
    open(ws) {
      ws.subscribe(ws.data.params.room);
      ws.send("joined");
    },
  });
  app.post("/counters/:name", async (req) => ({
    value: await store.increment(`counter:${req.params.name}`),
  }));
  app.put("/docs/:id", async (req) => {
    await store.set(`doc:${req.params.id}`, req.body);
    return { saved: true };
  });
  app.get("/docs/:id", async (req) => ({ doc: (await store.get(`doc:${req.params.id}`)) ?? null }));
  const pubsub = redisPubSub({ store, channel, onError: () => {} });
  app.use(pubsub);
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  return {
    app,
    server,
    pubsub,
    async stop() {
      await server.stop(true);
      await pubsub.close();
    },
  };
}

/** How fan-out from one instance to another went: when it first delivered, and copies of a last message. */
export interface FanOutCheck {
  /** Milliseconds until a message first got through (`undefined`: none within the timeout). */
  deliveredAfterMs: number | undefined;
  /** How many times one more message then arrived (1 is right). */
  copies: number;
}

/**
 * Publishes from `from` until `client` (a WebSocket on another instance) receives a message,
 * then publishes one more and counts how many times it arrives.
 */
export async function checkFanOut(
  from: FailoverInstance,
  client: { messages: unknown[] },
  timeoutMs = 10_000,
): Promise<FanOutCheck> {
  const began = Date.now();
  let delivered = false;
  while (!delivered && Date.now() - began < timeoutMs) {
    const probe = `probe-${crypto.randomUUID()}`;
    await from.app.publish("lobby", probe);
    delivered = await until(() => client.messages.includes(probe), 10);
  }
  if (!delivered) return { deliveredAfterMs: undefined, copies: 0 };
  const deliveredAfterMs = Date.now() - began;
  client.messages.length = 0;
  const last = `last-${crypto.randomUUID()}`;
  await from.app.publish("lobby", last);
  await until(() => client.messages.includes(last), 100);
  await Bun.sleep(150); // a duplicate would have arrived by now
  return { deliveredAfterMs, copies: client.messages.filter((message) => message === last).length };
}

/** A topology under test, as the failover scenario needs it. */
export interface FailoverTarget {
  /** For the figures line: "Cluster", "Sentinel". */
  label: string;
  /** How a RedisStore reaches it. */
  connection: () => RedisConnection;
  /** SIGKILLs the master serving `channel` (the one master, on Sentinel); its port. */
  killMaster(channel: string): Promise<number>;
  /** Waits until the topology has a healthy master again for `channel`; its port. */
  healed(channel: string): Promise<number>;
}

/** What {@link failoverUnderLoad} measured. */
export interface FailoverOutcome {
  report: LoadReport;
  figures: FailoverFigures;
  killedPort: number;
  newMasterPort: number;
  /** Acknowledged writes missing afterwards. */
  lost: string[];
  /** Fan-out from one instance to the other before the fault… */
  fanOutBefore: FanOutCheck;
  /** …and after the load. */
  fanOutAfter: FanOutCheck;
}

/**
 * Two app instances, each with its own durable RedisStore (`WAIT` for one replica) and
 * fan-out, under load from 16 clients while the master is killed; then every acknowledged
 * write is read back and fan-out from one instance to the other is checked again.
 */
export async function failoverUnderLoad(target: FailoverTarget): Promise<FailoverOutcome> {
  const channel = `failover:ws:${crypto.randomUUID()}`;
  const options = {
    prefix: `failover:${crypto.randomUUID()}:`,
    commandTimeout: 500,
    retryAfter: 250,
    durability: { replicas: 1, timeoutMs: 100 },
    logErrors: false,
  } as const;
  const stores = [new RedisStore(target.connection(), options), new RedisStore(target.connection(), options)];
  const [a, b] = stores.map((store) => failoverApp(store, channel)) as [FailoverInstance, FailoverInstance];
  try {
    await Promise.all([a.pubsub.ready, b.pubsub.ready]);
    const listener = await connectClient(b.server, "/rooms/lobby");
    const fanOutBefore = await checkFanOut(a, listener, 3000);
    let killedPort = 0;
    const report = await runLoad([a.server.url, b.server.url], {
      fault: async () => {
        killedPort = await target.killMaster(channel);
      },
    });
    const result = figures(report);
    const newMasterPort = await target.healed(channel);
    const lost = await lostWrites(stores[0]!, report);
    const fanOutAfter = await checkFanOut(a, listener);
    listener.socket.close();
    const increments = [...report.acknowledgedIncrements.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `[figures] ${target.label} failover (master :${killedPort} SIGKILLed, :${newMasterPort} promoted): ` +
        `window ${result.windowMs} ms, ${result.unavailable} of ${result.requests} requests answered 503, ` +
        `${result.unexpected.length} other failures, slowest ${result.slowestMs} ms; ` +
        `${report.acknowledgedDocs.size} documents + ${increments} increments acknowledged, ${lost.length} lost; ` +
        `fan-out again ${fanOutAfter.deliveredAfterMs ?? "never"} ms after the load, ${fanOutAfter.copies} cop${fanOutAfter.copies === 1 ? "y" : "ies"} of a message`,
    );
    return { report, figures: result, killedPort, newMasterPort, lost, fanOutBefore, fanOutAfter };
  } finally {
    await a.stop();
    await b.stop();
    for (const store of stores) {
      await store.clear().catch(() => {});
      await store.close();
    }
  }
}

/** What every failover must show: 503s (never a 500 or a hang), recovery, nothing lost, fan-out back. */
export function expectSurvived(outcome: FailoverOutcome): void {
  const { figures: result, report } = outcome;
  expect(outcome.fanOutBefore.copies).toBe(1);
  expect(result.unexpected).toEqual([]); // no 500, no request left unanswered
  expect(result.unavailable).toBeGreaterThan(0); // the kill was felt…
  expect(report.samples.filter((s) => s.status === 503).every((s) => s.retryAfter !== null)).toBe(true);
  // …and the service came back by itself: a stretch of successes after the last failure.
  const lastFailure = Math.max(...report.samples.filter((s) => s.status !== 200).map((s) => s.end));
  expect(report.samples.some((s) => s.status === 200 && s.start > lastFailure + 1000)).toBe(true);
  expect(result.windowMs).toBeLessThan(10_000);
  expect(result.slowestMs).toBeLessThan(2000);
  expect(outcome.lost).toEqual([]);
  expect(outcome.newMasterPort).not.toBe(outcome.killedPort);
  expect(outcome.fanOutAfter.deliveredAfterMs).toBeDefined();
  expect(outcome.fanOutAfter.copies).toBe(1); // exactly once
}
