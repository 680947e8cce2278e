import { randomBytes } from "node:crypto";
import { definePlugin, type Plugin, type PubSubAdapter } from "@harpia/core";
import type { Cluster, RedisOptions } from "ioredis";
import { connect, isCluster, type RedisClient } from "./connection";
import type { RedisStore } from "./redis-store";

/** The part of an app the fan-out needs (a Harpia app has it). */
export interface PubSubHost {
  setPubSub(adapter: PubSubAdapter | undefined): unknown;
  publishLocal(topic: string, message: string | Uint8Array): number;
}

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

/** Quits gracefully when connected; otherwise drops the connection (a QUIT would wait in the offline queue). */
async function end(client: RedisClient): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
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
 * instance through Redis pub/sub, on a subscriber connection of its own. A message reaches
 * this instance's subscribers at once and the other instances' through Redis (this instance
 * ignores its own echo, so nobody receives it twice). Text stays text, bytes stay bytes.
 *
 * Redis pub/sub is fire-and-forget: while Redis is unreachable, messages still reach this
 * instance's subscribers but not the others', and `onError` is told; none are queued.
 *
 * On a Cluster it uses sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`): the channel hashes to one
 * slot, and messages go through that slot's master only (and its replicas), not through every
 * node as a classic `PUBLISH` does; the subscriber follows the slot to a new master after a
 * failover.
 */
export class RedisPubSub implements PubSubAdapter {
  /** Resolves once the subscriber listens to the channel. */
  readonly ready: Promise<void>;
  /** The channel used. */
  readonly channel: string;
  /** Whether sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`) is used. */
  readonly sharded: boolean;
  private readonly origin = randomBytes(ORIGIN_BYTES);
  private readonly publisher: RedisClient;
  private readonly ownsPublisher: boolean;
  private readonly subscriber: RedisClient;
  private readonly onError: (error: unknown) => void;
  private host: PubSubHost | undefined;
  private closed = false;
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
    // (on a sharded Cluster, one per master, kept by ioredis on the masters of the moment).
    this.subscriber = isCluster(this.publisher)
      ? (this.publisher as Cluster).duplicate([], { shardedSubscribers: this.sharded })
      : (this.publisher as { duplicate(): RedisClient }).duplicate();
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

  private subscribe(): void {
    const subscribed = this.sharded
      ? this.subscriber.ssubscribe(this.channel)
      : this.subscriber.subscribe(this.channel);
    subscribed.then(() => {
      this.subscribed?.();
      this.subscribed = undefined;
    }, this.onError);
  }

  /** Makes `app.publish` go through Redis (called by `app.use(pubsub)`). */
  install(host: PubSubHost): void {
    if (this.host !== undefined && this.host !== host)
      throw new Error("This RedisPubSub is already installed on another app; create one per app");
    this.host = host;
    host.setPubSub(this);
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

  /**
   * Delivers to this instance's subscribers, then publishes to the others through Redis.
   * Never rejects: a failure to reach Redis goes to `onError`.
   */
  async publish(topic: string, message: string | Uint8Array): Promise<void> {
    if (this.host === undefined) throw new Error("RedisPubSub: install it first with app.use(pubsub)");
    this.host.publishLocal(topic, message);
    if (this.closed) return;
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

  /** Stops listening, makes the app's publishing local again and closes the connections it opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.host?.setPubSub(undefined);
    this.subscriber.off(this.sharded ? "smessageBuffer" : "messageBuffer", this.receive);
    await end(this.subscriber);
    if (this.ownsPublisher) await end(this.publisher);
  }
}

/**
 * WebSocket fan-out across instances, as a plugin: `app.use(redisPubSub({ url }))`.
 *
 * @example
 * const store = new RedisStore({ url: process.env.REDIS_URL! });
 * const fanOut = redisPubSub({ store, channel: "chat:ws" });
 * app.use(fanOut);
 * app.ws("/chat", { open: (ws) => ws.subscribe("lobby") });
 * app.post("/announce", (req) => { app.publish("lobby", req.body.text); return { ok: true }; });
 */
export function redisPubSub(options: RedisPubSubOptions = {}): RedisPubSub & Plugin {
  const pubsub = new RedisPubSub(options);
  return definePlugin({ name: "@harpia/store-redis/pubsub", setup: (app) => pubsub.install(app) }, pubsub);
}

/** Installs {@link redisPubSub} on `app` and returns it (for `await pubsub.ready` and `close()`). */
export function attachRedisPubSub(app: PubSubHost, options: RedisPubSubOptions = {}): RedisPubSub {
  const pubsub = new RedisPubSub(options);
  pubsub.install(app);
  return pubsub;
}
