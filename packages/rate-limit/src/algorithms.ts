import type { MemoryStore, Store } from "@harpia/core";
import type { Algorithm } from "./options";

/** What counting one request decided. */
export interface Hit {
  /** Whether the request is within the limit. */
  readonly allowed: boolean;
  /** Requests left (0 when refused). */
  readonly remaining: number;
  /**
   * Seconds, at least 1: allowed, until the current window ends (when the count starts over or,
   * sliding, starts to decay); refused, until one more request would be allowed if none came
   * meanwhile (the `Retry-After`).
   */
  readonly resetSeconds: number;
  /** The counter this request went into, to give it back. */
  readonly counter: string;
  /** That counter's window (`floor(now / window)`). */
  readonly windowIndex: number;
}

/** The two operations a memory store answers synchronously. */
export type SyncStore = Pick<MemoryStore, "incrementSync" | "getSync">;

/** One algorithm: counts a request for `id` at `now` (epoch ms) in `store`, atomically. */
export interface Counter {
  hit(store: Store, id: string, now: number): Promise<Hit>;
  /** {@link hit} on a memory store, without a promise (the same counts, keys and answer). */
  hitSync(store: SyncStore, id: string, now: number): Hit;
  /** Gives back the request counted by `hit` (when it turned out not to count), if still useful at `now`. */
  refund(store: Store, hit: Hit, now: number): Promise<void>;
}

/** The counters of one limiter: `limit` per `windowSeconds`, keys under `prefix`. */
export function createCounter(
  algorithm: Algorithm,
  prefix: string,
  limit: number,
  windowSeconds: number,
): Counter {
  return algorithm === "fixed"
    ? fixedWindow(prefix, limit, windowSeconds)
    : slidingWindow(prefix, limit, windowSeconds);
}

/**
 * One counter per window, windows aligned on the epoch (the same on every instance). The key
 * holds the window's index, `increment` creates it with a TTL of one window: atomic on any
 * store (Redis `INCRBY` + `PEXPIRE` in one script), so concurrent requests get distinct counts
 * and exactly `limit` of them pass.
 */
function fixedWindow(prefix: string, limit: number, windowSeconds: number): Counter {
  const windowMs = windowSeconds * 1000;
  const decide = (counter: string, windowIndex: number, count: number, now: number): Hit => {
    const left = (windowIndex + 1) * windowMs - now;
    return {
      allowed: count <= limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(left / 1000)),
      counter,
      windowIndex,
    };
  };
  return {
    async hit(store, id, now) {
      const windowIndex = Math.floor(now / windowMs);
      const counter = `${prefix}${id}:${windowIndex}`;
      return decide(counter, windowIndex, await store.increment(counter, 1, windowSeconds), now);
    },
    hitSync(store, id, now) {
      const windowIndex = Math.floor(now / windowMs);
      const counter = `${prefix}${id}:${windowIndex}`;
      return decide(counter, windowIndex, store.incrementSync(counter, 1, windowSeconds), now);
    },
    async refund(store, hit, now) {
      // A past window is never read again: nothing to give back.
      if (Math.floor(now / windowMs) === hit.windowIndex)
        await store.increment(hit.counter, -1, windowSeconds);
    },
  };
}

/**
 * The sliding-window counter (Cloudflare's): a counter per window as above, plus the previous
 * window's count weighted by how much of it still lies within the last `window`:
 * `estimate = current + previous × (window − elapsed) / window`. It assumes the previous
 * window's requests were spread evenly, so it can be off for bursty traffic; it never lets
 * more than `limit` through within one window, and removes the fixed window's double burst
 * at the edges. The current counter lives two windows (it is the next one's previous).
 */
function slidingWindow(prefix: string, limit: number, windowSeconds: number): Counter {
  const windowMs = windowSeconds * 1000;
  const ttl = windowSeconds * 2;
  const decide = (
    counter: string,
    windowIndex: number,
    current: number,
    stored: unknown,
    now: number,
  ): Hit => {
    const previous = typeof stored === "number" && stored > 0 ? stored : 0;
    const elapsed = now - windowIndex * windowMs;
    const left = windowMs - elapsed;
    const estimate = current + (previous * left) / windowMs;
    const allowed = estimate <= limit;
    let wait = left;
    if (!allowed) {
      // When one more request would fit, if none came meanwhile. Within this window, once the
      // previous window's weight has decayed enough; otherwise in the next one, where this
      // window's count becomes the previous and decays in turn.
      const room = limit - current - 1;
      wait =
        room >= 0 && previous > 0
          ? windowMs - (room * windowMs) / previous - elapsed
          : left + Math.max(0, windowMs - ((limit - 1) * windowMs) / current);
    }
    return {
      allowed,
      remaining: Math.max(0, Math.floor(limit - estimate)),
      resetSeconds: Math.max(1, Math.ceil(wait / 1000)),
      counter,
      windowIndex,
    };
  };
  return {
    async hit(store, id, now) {
      const windowIndex = Math.floor(now / windowMs);
      const key = `${prefix}${id}:`;
      const counter = key + windowIndex;
      const [current, stored] = await Promise.all([
        store.increment(counter, 1, ttl),
        store.get<unknown>(key + (windowIndex - 1)),
      ]);
      return decide(counter, windowIndex, current, stored, now);
    },
    hitSync(store, id, now) {
      const windowIndex = Math.floor(now / windowMs);
      const key = `${prefix}${id}:`;
      const counter = key + windowIndex;
      const current = store.incrementSync(counter, 1, ttl);
      return decide(counter, windowIndex, current, store.getSync<unknown>(key + (windowIndex - 1)), now);
    },
    async refund(store, hit, now) {
      // Still read as the previous window during the next one.
      if (Math.floor(now / windowMs) <= hit.windowIndex + 1) await store.increment(hit.counter, -1, ttl);
    },
  };
}
