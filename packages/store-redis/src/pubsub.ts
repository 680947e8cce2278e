import { randomBytes } from "node:crypto";
import { definePlugin, type Harpia, type Plugin, type PubSubAdapter } from "@harpia/core";
import type { Cluster, RedisOptions } from "ioredis";
import { closeClient, connect, isCluster, type RedisClient } from "./connection";
import type { RedisStore } from "./redis-store";

/** The fan-out's plugin name (`app.hasPlugin("@harpia/store-redis/pubsub")`). */
const PUBSUB_PLUGIN = "@harpia/store-redis/pubsub";

/** Options of {@link redisPubSub}. */
export interface RedisPubSubOptions {
  /** Publish through this store's client (a second connection is opened to subscribe). */
  store?: RedisStore;
  /** Or an ioredis `Redis`/`Cluster` client of yours (left open by `close()`). */
  client?: RedisClient;
  /** Or a `redis://` URL (default: `REDIS_URL`, else `redis://localhost:6379`). */
  url?: string;
  /** ioredis options for a connection made from `url`. */
  options?: RedisOptions;
  /**
   * The Redis channel carrying this app's messages (default `"harpia:ws"`). Every instance of
   * one app uses the same channel; different apps on one Redis use different ones.
   */
  channel?: string;
  /**
   * Called when a message cannot be sent to or read from Redis (default: `console.warn`, at
   * most once a minute). Local subscribers still get messages published here.
   */
  onError?: (error: unknown) => void;
  /**
   * Redis 7 sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`): messages travel only within the shard
   * that owns the channel's slot instead of being broadcast to every node of a Cluster.
   * Default: `true` on a Cluster (which must then run Redis 7 or later), `false` otherwise.
   */
  sharded?: boolean;
}

const TEXT = 1;
const BINARY = 2;
const ORIGIN_BYTES = 16;
const HEADER = 1 + ORIGIN_BYTES + 2;

/** Frame: kind (1 byte), origin instance (16), topic length (2, big-endian), topic, payload. */
function encode(origin: Buffer, topic: string, message: string | Uint8Array): Buffer {
  const topicBytes = Buffer.from(topic, "utf8");
  if (topicBytes.length > 0xffff) throw new RangeError("publish(): the topic is longer than 65535 bytes");
  const payload = typeof message === "string" ? Buffer.from(message, "utf8") : message;
  const frame = Buffer.allocUnsafe(HEADER + topicBytes.length + payload.byteLength);
  frame[0] = typeof message === "string" ? TEXT : BINARY;
  origin.copy(frame, 1);
  frame.writeUInt16BE(topicBytes.length, 1 + ORIGIN_BYTES);
  topicBytes.copy(frame, HEADER);
  frame.set(payload, HEADER + topicBytes.length);
  return frame;
}

function decode(frame: Buffer): { origin: Buffer; topic: string; message: string | Uint8Array } | undefined {
  if (frame.length < HEADER || (frame[0] !== TEXT && frame[0] !== BINARY)) return undefined;
  const topicLength = frame.readUInt16BE(1 + ORIGIN_BYTES);
  if (frame.length < HEADER + topicLength) return undefined;
  const topic = frame.toString("utf8", HEADER, HEADER + topicLength);
  const body = frame.subarray(HEADER + topicLength);
  const message = frame[0] === TEXT ? body.toString("utf8") : new Uint8Array(body);
  return { origin: frame.subarray(1, 1 + ORIGIN_BYTES), topic, message };
}

/** A connection like `publisher`'s for subscribing, its `connectionName` suffixed with ":sub". */
function subscriberOf(publisher: RedisClient, sharded: boolean): RedisClient {
  if (isCluster(publisher)) {
    const name = (publisher.options.redisOptions as RedisOptions | undefined)?.connectionName;
    return (publisher as Cluster).duplicate([], {
      shardedSubscribers: sharded,
      ...(name ? { redisOptions: { connectionName: `${name}:sub` } } : {}),
    });
  }
  const name = (publisher.options as RedisOptions).connectionName;
  return (publisher as { duplicate(override?: Partial<RedisOptions>): RedisClient }).duplicate(
    name ? { connectionName: `${name}:sub` } : undefined,
  );
}

function throttledWarning(): (error: unknown) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < 60_000) return;
    last = Date.now();
    console.warn("[harpia/store-redis] WebSocket fan-out through Redis failed:", error);
  };
}

/**
 * Carries an app's `app.publish(topic, message)` to the WebSocket subscribers of every
 * instance through Redis pub/sub, on a subscriber connection of its own. Made by
 * {@link redisPubSub} and installed with `app.use(fanOut)` (it becomes the app's pub/sub
 * adapter); closed with the app. A message reaches this instance's subscribers at once and
 * the other instances' through Redis (this instance ignores its own echo, so nobody receives
 * it twice). Text stays text, bytes stay bytes.
 *
 * Redis pub/sub is fire-and-forget: while Redis is unreachable, messages still reach this
 * instance's subscribers but not the others', and `onError` is told; none are queued.
 *
 * On a Cluster it uses sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`): the channel hashes to one
 * slot, and messages go through that slot's master only (and its replicas), not through every
 * node as a classic `PUBLISH` does; the subscriber follows the slot to a new master after a
 * failover.
 */
export interface RedisPubSub extends PubSubAdapter, Plugin {
  /** Resolves once the subscriber listens to the channel (Redis down at start: once it is up). */
  readonly ready: Promise<void>;
  /** The channel used. */
  readonly channel: string;
  /** Whether sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`) is used. */
  readonly sharded: boolean;
  /**
   * Delivers to this instance's subscribers, then publishes to the others through Redis.
   * Never rejects: a failure to reach Redis goes to `onError`. (`app.publish` calls it.)
   */
  publish(topic: string, message: string | Uint8Array): Promise<void>;
  /**
   * Stops listening, makes the app's publishing local again and closes the connections it
   * opened (the subscriber, and the publisher unless it is a store's or your client). The app
   * calls it on `app.close()`; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** The fan-out behind {@link RedisPubSub} (made only by {@link redisPubSub}). */
class RedisFanOut implements PubSubAdapter {
  readonly ready: Promise<void>;
  readonly channel: string;
  readonly sharded: boolean;
  private readonly origin = randomBytes(ORIGIN_BYTES);
  private readonly publisher: RedisClient;
  private readonly ownsPublisher: boolean;
  private readonly subscriber: RedisClient;
  private readonly onError: (error: unknown) => void;
  private host: Harpia | undefined;
  private closing: Promise<void> | undefined;
  /** Resolves `ready`; unset once subscribed. */
  private subscribed: (() => void) | undefined;

  constructor(options: RedisPubSubOptions = {}) {
    this.channel = options.channel ?? "harpia:ws";
    if (typeof this.channel !== "string" || this.channel === "")
      throw new TypeError("redisPubSub(): `channel` must be a non-empty string");
    if (options.sharded !== undefined && typeof options.sharded !== "boolean")
      throw new TypeError("redisPubSub(): `sharded` must be a boolean");
    this.onError = options.onError ?? throttledWarning();
    if (options.store !== undefined) {
      this.publisher = options.store.client;
      this.ownsPublisher = false;
    } else {
      const { client, owned } = connect(
        options.client !== undefined
          ? { client: options.client }
          : options.url !== undefined
            ? { url: options.url, options: options.options }
            : options.options,
        2000,
      );
      this.publisher = client;
      this.ownsPublisher = owned;
    }
    if (this.ownsPublisher) this.publisher.on("error", this.onError);
    this.sharded = options.sharded ?? isCluster(this.publisher);
    // A subscribing connection can do nothing else, so it is always a connection of its own
    // (on a sharded Cluster, one per master, kept by ioredis on the masters of the moment),
    // named after the publisher's with ":sub" (`CLIENT LIST` tells them apart).
    this.subscriber = subscriberOf(this.publisher, this.sharded);
    this.subscriber.on("error", this.onError);
    this.subscriber.on(this.sharded ? "smessageBuffer" : "messageBuffer", this.receive);
    this.ready = new Promise((resolve) => {
      this.subscribed = resolve;
    });
    // ioredis re-subscribes after a reconnection, but only to channels it once subscribed
    // to: if Redis was down at start, the subscription is retried on every new connection.
    this.subscriber.on("ready", () => {
      if (this.subscribed !== undefined) this.subscribe();
    });
    this.subscribe();
  }

  /** A fan-out branded as a plugin: `app.use()` runs `#install` (not reachable otherwise). */
  static create(options: RedisPubSubOptions): RedisPubSub {
    const fanOut = new RedisFanOut(options);
    return definePlugin(
      // One per app (a second one would deliver every message from Redis twice), one app per fan-out.
      { name: PUBSUB_PLUGIN, once: true, setup: (app: Harpia) => fanOut.#install(app) },
      fanOut,
    );
  }

  private subscribe(): void {
    const subscribed = this.sharded
      ? this.subscriber.ssubscribe(this.channel)
      : this.subscriber.subscribe(this.channel);
    subscribed.then(
      () => {
        this.subscribed?.();
        this.subscribed = undefined;
      },
      // Closing while subscribing is not a failure.
      (error) => {
        if (this.closing === undefined) this.onError(error);
      },
    );
  }

  /** `app.use(fanOut)`: makes `app.publish` go through Redis, and closes the fan-out with the app. */
  #install(app: Harpia): void {
    if (this.closing !== undefined) throw new Error("This redisPubSub() was closed; create a new one");
    this.host = app;
    app.setPubSub(this);
    app.onClose(() => this.close());
  }

  private readonly receive = (channel: Buffer, frame: Buffer): void => {
    if (this.host === undefined || channel.toString() !== this.channel) return;
    const decoded = decode(frame);
    if (decoded === undefined || decoded.origin.equals(this.origin)) return;
    try {
      this.host.publishLocal(decoded.topic, decoded.message);
    } catch (error) {
      this.onError(error);
    }
  };

  async publish(topic: string, message: string | Uint8Array): Promise<void> {
    if (this.host === undefined) throw new Error("redisPubSub(): install it first with app.use(fanOut)");
    this.host.publishLocal(topic, message);
    if (this.closing !== undefined) return;
    // Only on a live connection: a message held in the offline queue would arrive late.
    if (this.publisher.status !== "ready") {
      this.onError(new Error(`Redis connection is ${this.publisher.status}; published locally only`));
      return;
    }
    try {
      const frame = encode(this.origin, topic, message);
      await (this.sharded
        ? this.publisher.spublish(this.channel, frame)
        : this.publisher.publish(this.channel, frame));
    } catch (error) {
      this.onError(error);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.host?.setPubSub(undefined);
    this.subscriber.off(this.sharded ? "smessageBuffer" : "messageBuffer", this.receive);
    await closeClient(this.subscriber);
    if (this.ownsPublisher) await closeClient(this.publisher);
  }
}

/**
 * WebSocket fan-out across instances: `app.use(redisPubSub(options))`. The fan-out opens its
 * subscriber connection at once (`await fanOut.ready` to wait for it) and closes it with the
 * app (`app.close()`, or SIGTERM with `listen({ shutdownOnSignals: true })`). One per app.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { RedisStore, redisPubSub } from "@harpia/store-redis";
 *
 * const app = harpia();
 * const store = new RedisStore({ url: process.env.REDIS_URL! });
 * app.use(store);
 * app.use(redisPubSub({ store, channel: "chat:ws" }));
 * app.ws("/chat", { open: (ws) => ws.subscribe("lobby") });
 * app.post("/announce", (req) => { app.publish("lobby", req.body.text); return { ok: true }; });
 */
export function redisPubSub(options: RedisPubSubOptions = {}): RedisPubSub {
  return RedisFanOut.create(options);
}
