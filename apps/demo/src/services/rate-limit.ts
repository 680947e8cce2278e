import { HttpError, type Store } from "@harpia/core";
import type { AttemptLimit } from "../settings";

/**
 * Counts attempts per key (a client IP) in a fixed window, in the shared store: with Redis,
 * every worker counts into the same `INCR` counter, so a cluster does not multiply the limit.
 */
export class AttemptLimiter {
  constructor(
    private readonly store: Store,
    private readonly name: string,
    private readonly limit: AttemptLimit,
  ) {}

  private key(client: string): string {
    return `limit:${this.name}:${client}`;
  }

  /** Throws a 429 (with `Retry-After`) when `client` used up its attempts. */
  async check(client: string): Promise<void> {
    const used = (await this.store.get<number>(this.key(client))) ?? 0;
    if (used >= this.limit.max) {
      throw new HttpError(429, "Too many attempts; wait a few minutes and try again", {
        code: "TOO_MANY_ATTEMPTS",
        headers: { "retry-after": String(this.limit.windowSeconds) },
      });
    }
  }

  /** Counts one attempt (the window starts with the first). */
  async record(client: string): Promise<void> {
    await this.store.increment(this.key(client), 1, this.limit.windowSeconds);
  }
}
