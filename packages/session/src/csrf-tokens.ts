import type { AtomicStore, Store } from "@harpia/core";

/** One issued token and when it stops being valid (epoch ms). */
export interface TokenEntry {
  token: string;
  expiresAt: number;
}

function isAtomic(store: Store): store is AtomicStore {
  const candidate = store as Partial<AtomicStore>;
  return typeof candidate.listPush === "function" && typeof candidate.listRange === "function";
}

function isEntry(value: unknown): value is TokenEntry {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as TokenEntry).token === "string" &&
    typeof (value as TokenEntry).expiresAt === "number"
  );
}

/**
 * The bounded list of a session's recent tokens, newest first. On an `AtomicStore` (memory,
 * Redis) a push is one atomic LPUSH + LTRIM, so tabs issuing tokens at once never drop each
 * other's; on a plain `Store` it is a read-modify-write of one key.
 */
export class TokenList {
  private readonly atomic: boolean;

  constructor(
    private readonly store: Store,
    private readonly maxTokens: number,
  ) {
    this.atomic = isAtomic(store);
  }

  /** Adds a token, keeping the newest `maxTokens`; the list expires `ttlSeconds` after this push. */
  async push(key: string, entry: TokenEntry, ttlSeconds: number): Promise<void> {
    if (this.atomic) {
      await (this.store as AtomicStore).listPush(key, [entry], {
        maxLength: this.maxTokens,
        ttlSeconds,
      });
      return;
    }
    const now = Date.now();
    const live = (await this.read(key)).filter((e) => e.expiresAt > now);
    await this.store.set(key, [entry, ...live].slice(0, this.maxTokens), ttlSeconds);
  }

  /** The session's tokens, newest first, expired ones included (callers check `expiresAt`). */
  async read(key: string): Promise<TokenEntry[]> {
    const items = this.atomic
      ? await (this.store as AtomicStore).listRange(key, 0, this.maxTokens - 1)
      : await this.store.get(key);
    return Array.isArray(items) ? items.filter(isEntry).slice(0, this.maxTokens) : [];
  }

  /** Drops every token of the session. */
  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }
}
