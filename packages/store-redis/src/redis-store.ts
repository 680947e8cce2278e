import { type AtomicStore, definePlugin, type Harpia, type ListPushOptions, type Plugin } from "@harpia/core";
import { Availability } from "./availability";
import { clientKeyPrefix, closeClient, connect, type RedisClient, type RedisConnection } from "./connection";
import { Executor, type RedisCommand } from "./executor";
import { scanPrefix, unlinkKeys } from "./scan";
import { HASH_INCREMENT, INCREMENT_WITH_TTL, LIST_PUSH, type LuaScript, SET_ADD } from "./scripts";
import { decodeValue, encodeValue } from "./serialize";
import {
  checkAmount,
  checkKey,
  DEFAULT_PREFIX,
  durabilityOption,
  positiveInteger,
  type RedisStoreOptions,
  ttlMilliseconds,
} from "./store-options";

export type { RedisStoreOptions } from "./store-options";

/** The plugin name of every `RedisStore` (several stores on one app are all installed). */
const STORE_PLUGIN = "@harpia/store-redis";

/**
 * A `RedisStore` is a plugin (branded by core's `definePlugin` in its constructor):
 * `app.use(store)` closes it with the app.
 */
export interface RedisStore extends Plugin {}

/**
 * A core `AtomicStore` on Redis (ioredis): sessions, CSRF tokens, caches, rate-limit counters
 * and telemetry shared by every instance of an app. Each operation is one atomic Redis
 * command or script on one key (`SET PX/NX`, `INCRBY`, `HINCRBY`, `SADD`, `LPUSH`+`LTRIM`),
 * so instances never overwrite each other and every operation runs on a Redis Cluster;
 * `keys()`/`clear()` scan every master (`SCAN`+`UNLINK`). Values are JSON.
 *
 * While Redis is unreachable every call fails fast with {@link StoreUnavailableError} (a 503);
 * the client reconnects by itself and the store serves again as soon as it is back.
 *
 * The store is also a plugin: `app.use(store)` closes it when the app closes (`app.close()`,
 * or SIGTERM with `listen({ shutdownOnSignals: true })`), after the plugins installed later
 * (hooks run in reverse), so install it before the plugins that use it. Without `app.use`,
 * close it yourself.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { session } from "@harpia/session";
 * import { RedisStore } from "@harpia/store-redis";
 *
 * const app = harpia();
 * const store = new RedisStore({ url: process.env.REDIS_URL! }, { prefix: "myapp:" });
 * app.use(store);
 * app.use(session({ store }));
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above declares the brand the constructor adds (definePlugin).
export class RedisStore implements AtomicStore {
  /** The ioredis client (a `Redis` or a `Cluster`), for commands the Store interface lacks. */
  readonly client: RedisClient;
  /** The key prefix of this store. */
  readonly prefix: string;
  private readonly owned: boolean;
  private readonly keyPrefix: string;
  private readonly availability: Availability;
  private readonly exec: Executor;
  private readonly maxCollectionSize: number;
  private readonly maxListLength: number;
  private closing: Promise<void> | undefined;

  constructor(connection?: RedisConnection, options: RedisStoreOptions = {}) {
    const commandTimeout = positiveInteger("commandTimeout", options.commandTimeout, 2000);
    const retryAfter = positiveInteger("retryAfter", options.retryAfter, 1000);
    this.maxCollectionSize = positiveInteger("maxCollectionSize", options.maxCollectionSize, 10_000, true);
    this.maxListLength = positiveInteger("maxListLength", options.maxListLength, 1_000);
    const durability = durabilityOption(options.durability, commandTimeout);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof this.prefix !== "string") throw new TypeError("RedisStore: `prefix` must be a string");
    const { client, owned } = connect(connection, commandTimeout);
    this.client = client;
    this.owned = owned;
    this.keyPrefix = clientKeyPrefix(client);
    const clientTimeout = (client.options as { commandTimeout?: unknown }).commandTimeout;
    this.availability = new Availability(client, retryAfter, options.logErrors ?? true, owned);
    this.exec = new Executor(
      client,
      this.prefix,
      this.availability,
      typeof clientTimeout === "number" ? undefined : commandTimeout,
      durability,
    );
    definePlugin({ name: STORE_PLUGIN, setup: (app: Harpia) => app.onClose(() => this.close()) }, this);
  }

  private full(key: string): string {
    checkKey(key);
    return this.prefix + key;
  }

  private run<T>(operation: string, key: string, kind: string, command: () => Promise<T>): Promise<T> {
    return this.exec.run(operation, key, kind, command);
  }

  /** One write command on `key`; its reply. */
  private async write(operation: string, key: string, kind: string, command: RedisCommand): Promise<unknown> {
    return (await this.exec.write(operation, key, kind, [command]))[0];
  }

  private script(operation: string, key: string, kind: string, script: LuaScript, args: (string | number)[]) {
    return this.exec.script(operation, key, kind, script, this.full(key), args);
  }

  /** The value, or `undefined` when absent or expired. Text that is not JSON comes back as a string. */
  async get<T = any>(key: string): Promise<T | undefined> {
    const full = this.full(key);
    return decodeValue<T>(await this.run("get", key, "value", () => this.client.get(full)));
  }

  /**
   * Stores `value` as JSON (`SET`, with `PX` when `ttlSeconds` is given). `undefined` removes
   * the key (`UNLINK`), as `MemoryStore` does, so `get` answers `undefined`.
   */
  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const full = this.full(key);
    const ttl = ttlMilliseconds(ttlSeconds);
    if (value === undefined) {
      await this.write("set", key, "value", ["UNLINK", full]);
      return;
    }
    const text = encodeValue(key, value);
    await this.write(
      "set",
      key,
      "value",
      ttl === undefined ? ["SET", full, text] : ["SET", full, text, "PX", ttl],
    );
  }

  /** The seed's name for `set` with a TTL. */
  setEx(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return this.set(key, value, ttlSeconds);
  }

  /** Stores only when the key is absent (`SET NX`); true when stored. */
  async add(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    const full = this.full(key);
    const text = encodeValue(key, value);
    const ttl = ttlMilliseconds(ttlSeconds);
    const reply = await this.write(
      "add",
      key,
      "value",
      ttl === undefined ? ["SET", full, text, "NX"] : ["SET", full, text, "PX", ttl, "NX"],
    );
    return reply === "OK";
  }

  /** Removes a key of any kind (`UNLINK`). */
  async delete(key: string): Promise<void> {
    const full = this.full(key);
    await this.write("delete", key, "value", ["UNLINK", full]);
  }

  /** Whether the key exists (`EXISTS`). */
  async has(key: string): Promise<boolean> {
    const full = this.full(key);
    return (await this.run("has", key, "value", () => this.client.exists(full))) === 1;
  }

  /**
   * Adds `by` to a counter (`INCRBY`, or `INCRBYFLOAT` for fractions) and returns the new
   * value. With `ttlSeconds`, a new counter expires that long after creation (fixed window).
   */
  async increment(key: string, by = 1, ttlSeconds?: number): Promise<number> {
    checkAmount(by);
    const ttl = ttlMilliseconds(ttlSeconds);
    const integer = Number.isInteger(by);
    if (ttl !== undefined) {
      const reply = await this.script("increment", key, "value", INCREMENT_WITH_TTL, [
        by,
        ttl,
        integer ? 1 : 0,
      ]);
      return Number(reply);
    }
    const full = this.full(key);
    const reply = await this.write("increment", key, "value", [integer ? "INCRBY" : "INCRBYFLOAT", full, by]);
    return Number(reply);
  }

  /** Resets a key's time to live (`PEXPIRE`); false when the key does not exist. */
  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const full = this.full(key);
    const ttl = ttlMilliseconds(ttlSeconds);
    if (ttl === undefined) throw new RangeError("expire() needs a TTL");
    return (await this.write("expire", key, "value", ["PEXPIRE", full, ttl])) === 1;
  }

  /**
   * Removes every key of this store starting with `prefix` (all of this store's keys when
   * omitted), with `SCAN` + `UNLINK` in batches: never `KEYS`, never `FLUSHDB`.
   */
  async clear(prefix = ""): Promise<void> {
    const start = this.full(prefix);
    await this.run("clear", prefix, "value", () =>
      scanPrefix(this.client, this.keyPrefix + start, (keys) =>
        unlinkKeys(this.client, this.withoutClientPrefix(keys)),
      ),
    );
  }

  /** Keys of this store starting with `prefix`, without the store's prefix (`SCAN`). */
  async keys(prefix: string): Promise<string[]> {
    const start = this.full(prefix);
    const found = new Set<string>();
    const skip = this.keyPrefix.length + this.prefix.length;
    await this.run("keys", prefix, "value", () =>
      scanPrefix(this.client, this.keyPrefix + start, (keys) => {
        for (const key of keys) found.add(key.slice(skip));
      }),
    );
    return [...found];
  }

  private withoutClientPrefix(keys: string[]): string[] {
    return this.keyPrefix === "" ? keys : keys.map((key) => key.slice(this.keyPrefix.length));
  }

  /**
   * Adds `by` to a field of a hash of counters (`HINCRBY`) and returns its new value. A new
   * field is refused (returning 0) once the hash holds `maxCollectionSize` fields.
   */
  async hashIncrement(key: string, field: string, by = 1, ttlSeconds?: number): Promise<number> {
    checkAmount(by);
    if (typeof field !== "string") throw new TypeError(`Hash fields are strings, got ${typeof field}`);
    const ttl = ttlMilliseconds(ttlSeconds);
    const args = [field, by, ttl ?? "", Number.isInteger(by) ? 1 : 0, this.maxCollectionSize];
    const reply = await this.script("hashIncrement", key, "hash", HASH_INCREMENT, args);
    return reply === null ? 0 : Number(reply);
  }

  /** Every field of a hash of counters (`HGETALL`), as numbers. */
  async hashGetAll(key: string): Promise<Record<string, number>> {
    const full = this.full(key);
    const reply = await this.run("hashGetAll", key, "hash", () => this.client.hgetall(full));
    const out: Record<string, number> = {};
    for (const [field, value] of Object.entries(reply)) out[field] = Number(value);
    return out;
  }

  /** Adds members to a set (`SADD`, at most `maxCollectionSize` members); returns how many were new. */
  async setAdd(key: string, members: string[], ttlSeconds?: number): Promise<number> {
    if (!Array.isArray(members) || members.some((m) => typeof m !== "string"))
      throw new TypeError("setAdd() takes an array of strings");
    const ttl = ttlMilliseconds(ttlSeconds);
    if (members.length === 0) return 0;
    const reply = await this.script("setAdd", key, "set", SET_ADD, [
      ttl ?? "",
      this.maxCollectionSize,
      ...members,
    ]);
    return Number(reply);
  }

  /** Members of a set (`SMEMBERS`). */
  async setMembers(key: string): Promise<string[]> {
    const full = this.full(key);
    return this.run("setMembers", key, "set", () => this.client.smembers(full));
  }

  /** Size of a set (`SCARD`). */
  async setSize(key: string): Promise<number> {
    const full = this.full(key);
    return this.run("setSize", key, "set", () => this.client.scard(full));
  }

  /** Whether a set holds `member` (`SISMEMBER`). */
  async setHas(key: string, member: string): Promise<boolean> {
    const full = this.full(key);
    return (await this.run("setHas", key, "set", () => this.client.sismember(full, member))) === 1;
  }

  /**
   * Prepends values (newest first) and trims the list to `maxLength` (at most
   * `maxListLength`), with `LPUSH`, `LTRIM` and `PEXPIRE` in one script. Returns the length.
   */
  async listPush(key: string, values: unknown[], options: ListPushOptions = {}): Promise<number> {
    if (!Array.isArray(values)) throw new TypeError("listPush() takes an array of values");
    const full = this.full(key);
    const encoded = values.map((value) => encodeValue(key, value));
    const max = Math.min(
      positiveInteger("maxLength", options.maxLength, this.maxListLength),
      this.maxListLength,
    );
    const ttl = ttlMilliseconds(options.ttlSeconds);
    if (encoded.length === 0)
      return (await this.run("listPush", key, "list", () => this.client.llen(full))) as number;
    const reply = await this.script("listPush", key, "list", LIST_PUSH, [max, ttl ?? "", ...encoded]);
    return Math.min(Number(reply), max);
  }

  /** Items `start..stop` of a list, inclusive (`LRANGE`; `-1` is the last), newest first. */
  async listRange<T = any>(key: string, start = 0, stop = -1): Promise<T[]> {
    const full = this.full(key);
    if (!Number.isInteger(start) || !Number.isInteger(stop))
      throw new TypeError("listRange() takes integer indexes");
    const items = await this.run("listRange", key, "list", () => this.client.lrange(full, start, stop));
    return items.map((item) => decodeValue<T>(item) as T);
  }

  /** Removes fields of a hash (`HDEL`); returns how many existed. */
  async hashDelete(key: string, fields: string[]): Promise<number> {
    if (fields.length === 0) return 0;
    const full = this.full(key);
    return Number(await this.write("hashDelete", key, "hash", ["HDEL", full, ...fields]));
  }

  /** Removes members of a set (`SREM`); returns how many were there. */
  async setRemove(key: string, members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    const full = this.full(key);
    return Number(await this.write("setRemove", key, "set", ["SREM", full, ...members]));
  }

  /**
   * Removes every item equal (as stored JSON) to one of `values` with one `LREM` per value, in
   * one pipeline: items pushed meanwhile are never lost, unlike a read-filter-rewrite.
   */
  async listRemove(key: string, values: unknown[]): Promise<number> {
    if (values.length === 0) return 0;
    const full = this.full(key);
    const encoded = [...new Set(values.map((value) => encodeValue(key, value)))];
    const commands = encoded.map((item): RedisCommand => ["LREM", full, 0, item]);
    const replies = await this.exec.write("listRemove", key, "list", commands);
    return replies.reduce((sum: number, count) => sum + Number(count), 0);
  }

  /** Whether Redis answers a `PING` now. Never throws. */
  async ping(): Promise<boolean> {
    try {
      return (await this.run("ping", "", "value", () => this.client.ping())) === "PONG";
    } catch {
      return false;
    }
  }

  /** The seed's readiness check: waits for the first connection (bounded), then pings. */
  on(): Promise<boolean> {
    return this.ping();
  }

  /**
   * Stops the store: later calls fail with `StoreUnavailableError`. A client the store created
   * is closed gracefully (`QUIT`); a client you passed stays open. The app calls it on
   * `app.close()` when the store was installed with `app.use(store)`; calling it again returns
   * the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.availability.close();
    if (this.owned) await closeClient(this.client);
  }
}
