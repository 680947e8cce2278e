/** How many sessions' last touch one process remembers; older ones are simply touched again. */
const MAX_REMEMBERED = 10_000;

/**
 * When this process last pushed each session's expiry forward (a write or an `expire`), so an
 * unchanged session is touched at most once per `touchAfter` seconds instead of on every
 * request. Bounded: past {@link MAX_REMEMBERED} sessions the least recently touched is
 * forgotten, which only means it is touched on its next request.
 */
export class TouchLog {
  readonly #last = new Map<string, number>();
  readonly #afterMs: number;

  /** `touchAfterSeconds`: 0 touches on every request. */
  constructor(touchAfterSeconds: number) {
    this.#afterMs = touchAfterSeconds * 1000;
  }

  /** Whether the session stored under `key` should have its expiry pushed forward now. */
  due(key: string, now: number = Date.now()): boolean {
    if (this.#afterMs === 0) return true;
    const last = this.#last.get(key);
    return last === undefined || now - last >= this.#afterMs;
  }

  /** Records that the session's expiry was just pushed forward (written or touched). */
  touched(key: string, now: number = Date.now()): void {
    if (this.#afterMs === 0) return;
    const last = this.#last;
    last.delete(key);
    last.set(key, now);
    if (last.size > MAX_REMEMBERED) last.delete(last.keys().next().value as string);
  }

  /** Forgets a session (deleted, or found gone). */
  forget(key: string): void {
    this.#last.delete(key);
  }
}
