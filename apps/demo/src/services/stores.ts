import { type AtomicStore, definePlugin, MemoryStore, type Plugin } from "@harpia/core";
import { RedisStore } from "@harpia/store-redis";
import type { DemoSettings } from "../settings";

/** Where each kind of data lives. With Redis they are one store; in memory, one store each. */
export interface DemoStoreSet {
  /** Users, notes, books, chat history: nothing a visitor can multiply without an account. */
  readonly data: AtomicStore;
  /** Members' sessions (visitors get none: their CSRF tokens are signed, not stored). */
  readonly sessions: AtomicStore;
  /**
   * Short-lived entries any client can multiply (rate-limit counters, one per address): in
   * memory, a pool of their own, so a flood of addresses only evicts other counters.
   */
  readonly limits: AtomicStore;
  /** The page cache. */
  readonly cache: AtomicStore;
  /** Telemetry counters. */
  readonly telemetry: AtomicStore;
  /** The Redis store when `REDIS_URL` is set (for the chat's fan-out and the readiness check). */
  readonly redis: RedisStore | undefined;
  /** `"redis"` or `"memory"`, shown by `/api/health`. */
  readonly kind: "redis" | "memory";
}

/**
 * The demo's stores, as a plugin: `app.use(stores)` closes them when the app closes. Install it
 * before everything that uses the stores (telemetry, the fan-out, sessions): `onClose` hooks
 * run in reverse order, so those finish their writes before the stores go away.
 */
export type DemoStores = DemoStoreSet & Plugin;

/** The plugin name of the demo's stores. */
export const STORES_PLUGIN = "harpia-demo/stores";

/**
 * Memory stores by default: each kind gets its own LRU pool, so what clients can multiply
 * (rate-limit counters) can only evict its own kind, never sessions or accounts. With
 * `redisUrl`, everything goes to one Redis under `redisPrefix` (Redis does not evict by
 * default), shared by every process, on a connection named `redisConnectionName`.
 */
export async function createStores(settings: DemoSettings): Promise<DemoStores> {
  if (settings.redisUrl !== undefined) {
    const redis = new RedisStore(
      { url: settings.redisUrl, options: { connectionName: settings.redisConnectionName } },
      { prefix: settings.redisPrefix },
    );
    if (!(await redis.ping())) {
      await redis.close();
      throw new Error(`Redis at ${redactUrl(settings.redisUrl)} is not answering (REDIS_URL)`);
    }
    const set: DemoStoreSet = {
      data: redis,
      sessions: redis,
      limits: redis,
      cache: redis,
      telemetry: redis,
      redis,
      kind: "redis",
    };
    // The RedisStore is a plugin itself: installed, it quits its connection on app.close().
    return definePlugin({ name: STORES_PLUGIN, setup: (app) => app.use(redis) }, set);
  }
  const memory = {
    // Sized for the demo's own caps: users (MAX_USERS), a notes list each, books, chat rooms.
    data: new MemoryStore({ maxEntries: 50_000 }),
    sessions: new MemoryStore({ maxEntries: 20_000 }),
    limits: new MemoryStore({ maxEntries: 20_000 }),
    cache: new MemoryStore({ maxEntries: 1_000 }),
    telemetry: new MemoryStore({ maxEntries: 50_000 }),
  };
  const set: DemoStoreSet = { ...memory, redis: undefined, kind: "memory" };
  return definePlugin(
    {
      name: STORES_PLUGIN,
      setup(app) {
        app.onClose(() => {
          for (const store of Object.values(memory)) store.close();
        });
      },
    },
    set,
  );
}

/** A Redis URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(malformed URL)";
  }
}
