// Two app instances (two servers in one process, each with its own Redis connections): a
// message published on one reaches WebSocket clients of both, once each. Runs on the single
// node, and on a Cluster (sharded pub/sub) and Sentinel under `bun run test:topologies`.
import { afterAll, describe, expect, test } from "bun:test";
import { type Harpia, harpia, type ServerHandle } from "@harpia/core";
import type { Cluster } from "ioredis";
import {
  connectClient as connectTo,
  eventually,
  REDIS_URL,
  ScratchRedis,
  testRedis,
  uniquePrefix,
  until,
} from "../test/support";
import { type RedisPubSub, type RedisPubSubOptions, redisPubSub } from "./pubsub";
import { RedisStore } from "./redis-store";

const onSingleNode = testRedis.kind === "single";
const cleanup: (() => Promise<unknown>)[] = [];

/** Where a fan-out connects without a store: a URL on the single node, a client of ours elsewhere. */
function ownConnection(): RedisPubSubOptions {
  if (onSingleNode) return { url: REDIS_URL };
  const client = testRedis.client();
  cleanup.push(async () => client.quit());
  return { client };
}

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

async function connectClient(server: ServerHandle, path: string) {
  const client = await connectTo(server, path);
  cleanup.push(async () => client.socket.close());
  return client;
}

/** `app.use(redisPubSub(options))`: the fan-out, installed. */
function attach(app: Harpia, options: RedisPubSubOptions): RedisPubSub {
  const fanOut = redisPubSub(options);
  app.use(fanOut);
  return fanOut;
}

function instance(channel: string, install: (app: Harpia, store: RedisStore) => RedisPubSub) {
  const store = new RedisStore(testRedis.connection(), { prefix: uniquePrefix("pubsub") });
  const app = harpia({ logErrors: false });
  app.ws("/rooms/:room", {
    open(ws) {
      ws.subscribe(ws.data.params.room);
      ws.send("joined");
    },
  });
  app.post("/announce/:room", (req) => {
    app.publish(req.params.room, String(req.body.text));
    return { ok: true };
  });
  const pubsub = install(app, store);
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  cleanup.push(
    () => store.close(),
    () => pubsub.close(),
    () => server.stop(true),
  );
  if (channel) expect(pubsub.channel).toBe(channel);
  return { app, server, pubsub, store };
}

describe(`WebSocket fan-out through Redis (${testRedis.label})`, () => {
  test("text and binary messages published on one instance reach clients of both, once", async () => {
    const channel = uniquePrefix("ws");
    const a = instance(channel, (app, store) => attach(app, { store, channel }));
    const b = instance(channel, (app) => attach(app, { ...ownConnection(), channel }));
    await Promise.all([a.pubsub.ready, b.pubsub.ready]);
    // Sharded pub/sub on a Cluster (the message stays within the channel's shard), classic elsewhere.
    const onCluster = testRedis.kind === "cluster";
    expect([a.pubsub.sharded, b.pubsub.sharded]).toEqual([onCluster, onCluster]);
    if (onCluster) {
      // The channel is a shard channel of the master owning its slot, not a cluster-wide one.
      const masters = (a.store.client as Cluster).nodes("master");
      const shardChannels = await Promise.all(masters.map((node) => node.call("PUBSUB", ["SHARDCHANNELS"])));
      expect(shardChannels.flat()).toContain(channel);
      const classic = await Promise.all(masters.map((node) => node.call("PUBSUB", ["CHANNELS"])));
      expect(classic.flat()).not.toContain(channel);
    }
    const onA = await connectClient(a.server, "/rooms/lobby");
    const onB = await connectClient(b.server, "/rooms/lobby");
    const elsewhere = await connectClient(b.server, "/rooms/other");

    const response = await fetch(new URL("/announce/lobby", a.server.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "hello from A" }),
    });
    expect(response.status).toBe(200);
    expect(await until(() => onA.messages.length >= 1 && onB.messages.length >= 1)).toBe(true);
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 0x0a]);
    await b.app.publish("lobby", bytes);

    expect(await until(() => onA.messages.length >= 2 && onB.messages.length >= 2)).toBe(true);
    await Bun.sleep(100); // any duplicate would have arrived by now
    for (const client of [onA, onB]) {
      expect(client.messages.length).toBe(2);
      expect(client.messages[0]).toBe("hello from A");
      expect(new Uint8Array(client.messages[1] as ArrayBuffer)).toEqual(bytes);
    }
    expect(elsewhere.messages).toEqual([]);
  });

  test("apps on different channels do not hear each other; close() makes publishing local", async () => {
    const first = instance("", (app) => attach(app, { ...ownConnection(), channel: uniquePrefix("one") }));
    const second = instance("", (app) => attach(app, { ...ownConnection(), channel: uniquePrefix("two") }));
    await Promise.all([first.pubsub.ready, second.pubsub.ready]);
    const client = await connectClient(second.server, "/rooms/lobby");
    await first.app.publish("lobby", "not for you");
    await Bun.sleep(150);
    expect(client.messages).toEqual([]);
    await second.pubsub.close();
    await second.app.publish("lobby", "local only");
    expect(await until(() => client.messages.length === 1)).toBe(true);
    expect(client.messages).toEqual(["local only"]);
  });

  test.if(onSingleNode)(
    "with Redis unreachable, publishing still reaches local subscribers and never rejects",
    async () => {
      const errors: unknown[] = [];
      const app = harpia({ logErrors: false });
      app.ws("/rooms/:room", {
        open(ws) {
          ws.subscribe(ws.data.params.room);
          ws.send("joined");
        },
      });
      const pubsub = attach(app, {
        url: "redis://127.0.0.1:1",
        channel: uniquePrefix("down"),
        onError: (error) => errors.push(error),
      });
      const server = app.listen({ port: 0, hostname: "127.0.0.1" });
      cleanup.push(
        () => pubsub.close(),
        () => server.stop(true),
      );
      const client = await connectClient(server, "/rooms/lobby");
      await app.publish("lobby", "still here");
      expect(await until(() => client.messages.length === 1)).toBe(true);
      expect(client.messages).toEqual(["still here"]);
      expect(errors.length).toBeGreaterThan(0);
    },
  );

  test.if(onSingleNode)("an instance started while Redis was down subscribes once Redis is up", async () => {
    const redis = new ScratchRedis();
    cleanup.push(() => redis.kill());
    const channel = uniquePrefix("late");
    const late = instance(channel, (app) =>
      attach(app, {
        url: redis.url,
        channel,
        options: { retryStrategy: () => 50 },
        onError: () => {},
      }),
    );
    await Bun.sleep(100);
    await redis.start();
    await late.pubsub.ready;
    const early = instance(channel, (app) => attach(app, { url: redis.url, channel }));
    await early.pubsub.ready;
    const client = await connectClient(late.server, "/rooms/lobby");
    const arrived = await eventually(async () => {
      await early.app.publish("lobby", "welcome");
      return client.messages.length > 0;
    }, 40);
    expect(arrived).toBe(true);
    expect(client.messages[0]).toBe("welcome");
  });

  test.if(onSingleNode)("a fan-out closed before its subscription was made reports no error", async () => {
    const errors: unknown[] = [];
    const fanOut = redisPubSub({
      url: REDIS_URL,
      channel: uniquePrefix("quick"),
      onError: (e) => errors.push(e),
    });
    await fanOut.close();
    await Bun.sleep(50);
    expect(errors).toEqual([]);
  });

  test.if(onSingleNode)("one fan-out belongs to one app, and one app has one fan-out", () => {
    const pubsub = redisPubSub({ url: REDIS_URL, channel: uniquePrefix("single") });
    const second = redisPubSub({ url: REDIS_URL, channel: uniquePrefix("single") });
    cleanup.push(
      () => pubsub.close(),
      () => second.close(),
    );
    const app = harpia();
    app.use(pubsub);
    app.use(pubsub); // the same value again: a no-op
    expect(app.hasPlugin("@harpia/store-redis/pubsub")).toBe(true);
    expect(() => harpia().use(pubsub)).toThrow(/installed on another app; make one per app/);
    // A second fan-out on one app would deliver every message from Redis twice.
    expect(() => app.use(second)).toThrow(
      /"@harpia\/store-redis\/pubsub" is already installed on this app.*app\.use\(\.\.\.\) once/,
    );
    expect(() => redisPubSub({ url: REDIS_URL, channel: "" })).toThrow(/channel/);
    // Installed only through app.use(): no public install method.
    expect((pubsub as unknown as Record<string, unknown>).install).toBeUndefined();
  });
});
