/**
 * The options of `RedisStore` and the checks its arguments go through: each option validated
 * when the store is made, each key, TTL and increment before a command is sent.
 */

import type { OutageLogger } from "./availability";
import type { Durability } from "./executor";

/** Options of {@link RedisStore} (the second argument). */
export interface RedisStoreOptions {
  /**
   * Prepended to every key (default `"harpia:"`), so several apps or environments can share
   * one Redis, and `clear()` only ever removes this store's keys.
   */
  prefix?: string;
  /**
   * Milliseconds a command may take before the call fails with `StoreUnavailableError`
   * (default 2000). Applied as ioredis's `commandTimeout` on clients the store creates, and
   * by the store itself on a client you pass that has none.
   */
  commandTimeout?: number;
  /**
   * After a connection failure, milliseconds during which calls fail at once without trying
   * Redis (default 1000); also the `Retry-After` sent with the 503.
   */
  retryAfter?: number;
  /** Most fields of one hash or members of one set (default 10,000, as `MemoryStore`); `0`: no limit. */
  maxCollectionSize?: number;
  /** Longest list kept when `listPush` gives no `maxLength` (default 1,000, as `MemoryStore`). */
  maxListLength?: number;
  /**
   * Where outages are reported, once each (default `true`: `console.warn`). Only for clients
   * the store creates; a client you pass keeps its own `error` listeners.
   */
  logErrors?: OutageLogger;
  /**
   * Makes every write wait until `replicas` replicas have it (Redis `WAIT`, sent with the write
   * on the same connection), for at most `timeoutMs` (default 100, below `commandTimeout`). A
   * write not confirmed in time fails with `StoreUnavailableError` (503): it may still have
   * been applied on the master. Replication is otherwise asynchronous: without this, a write
   * acknowledged just before the master dies can be lost in the failover. `clear()` is not covered.
   */
  durability?: { replicas: number; timeoutMs?: number };
}

/** Key prefix of a store given none. */
export const DEFAULT_PREFIX = "harpia:";

/** The checked `durability` option, or `undefined` when writes need no replica acknowledgement. */
export function durabilityOption(
  option: RedisStoreOptions["durability"],
  commandTimeout: number,
): Durability | undefined {
  if (option === undefined) return undefined;
  if (typeof option !== "object" || option === null)
    throw new TypeError("RedisStore: `durability` must be { replicas, timeoutMs? }");
  if (!Number.isInteger(option.replicas) || option.replicas < 1)
    throw new RangeError("RedisStore: `durability.replicas` must be a positive integer");
  const replicas = option.replicas;
  const timeoutMs = positiveInteger("durability.timeoutMs", option.timeoutMs, 100);
  if (timeoutMs >= commandTimeout)
    throw new RangeError(
      `RedisStore: \`durability.timeoutMs\` (${timeoutMs}) must be below \`commandTimeout\` (${commandTimeout})`,
    );
  return { replicas, timeoutMs };
}

/** Store keys are strings (a `TypeError` otherwise). */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== "string") throw new TypeError(`Store keys are strings, got ${typeof key}`);
}

/** A TTL in seconds as whole milliseconds for `PX` (at least 1), checked; `undefined` for none. */
export function ttlMilliseconds(ttlSeconds: number | undefined): number | undefined {
  if (ttlSeconds === undefined) return undefined;
  if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds))
    throw new RangeError(`TTL must be a positive number of seconds, got ${ttlSeconds}`);
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

/** Increments are finite numbers (a `TypeError` otherwise). */
export function checkAmount(by: unknown): asserts by is number {
  if (typeof by !== "number" || !Number.isFinite(by))
    throw new TypeError(`Increments are finite numbers, got ${String(by)}`);
}

/** A positive (or, with `allowZero`, non-negative) integer option, `fallback` when absent; a `RangeError` naming it otherwise. */
export function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new RangeError(
      `RedisStore: \`${name}\` must be a ${allowZero ? "non-negative" : "positive"} integer`,
    );
  return value;
}
