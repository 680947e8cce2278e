import { HttpError, type Store } from "@harpia/core";

/** Seconds a lock lives if its holder dies before releasing it. */
const LOCK_TTL_SECONDS = 5;
/** How long a caller waits for a busy lock before giving up with a 503. */
const WAIT_ATTEMPTS = 100;
const WAIT_MS = 20;

/**
 * Runs `fn` while holding the lock `name`, shared by every process using the store: `add` is
 * `SET NX EX` on Redis, so exactly one caller gets it. The demo keeps small lists (a user's
 * notes, the books) as one JSON value each; the lock turns their read-modify-write into a
 * safe update even with several workers on one Redis.
 */
export async function withLock<T>(store: Store, name: string, fn: () => Promise<T>): Promise<T> {
  const key = `lock:${name}`;
  const owner = crypto.randomUUID();
  for (let attempt = 0; !(await store.add(key, owner, LOCK_TTL_SECONDS)); attempt++) {
    if (attempt >= WAIT_ATTEMPTS)
      throw new HttpError(503, "The server is busy, try again", { code: "LOCK_TIMEOUT", expose: true });
    await Bun.sleep(WAIT_MS);
  }
  try {
    return await fn();
  } finally {
    // Only release our own lock: if `fn` outlived the TTL, someone else may hold it now.
    if ((await store.get(key)) === owner) await store.delete(key);
  }
}
