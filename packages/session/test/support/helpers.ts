// Test support only (not exported from the package).
import { MemoryStore, type Store } from "@harpia/core";

/** A plain `Store` (no atomic list operations) over a MemoryStore, counting the calls it gets. */
export class CountingStore implements Store {
  readonly inner = new MemoryStore({ sweepIntervalSeconds: 0 });
  readonly calls = { get: 0, set: 0, add: 0, delete: 0, has: 0, increment: 0, expire: 0, clear: 0 };

  get<T = any>(key: string): Promise<T | undefined> {
    this.calls.get++;
    return this.inner.get<T>(key);
  }
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    this.calls.set++;
    return this.inner.set(key, value, ttlSeconds);
  }
  add(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    this.calls.add++;
    return this.inner.add(key, value, ttlSeconds);
  }
  delete(key: string): Promise<void> {
    this.calls.delete++;
    return this.inner.delete(key);
  }
  has(key: string): Promise<boolean> {
    this.calls.has++;
    return this.inner.has(key);
  }
  increment(key: string, by?: number, ttlSeconds?: number): Promise<number> {
    this.calls.increment++;
    return this.inner.increment(key, by, ttlSeconds);
  }
  expire(key: string, ttlSeconds: number): Promise<boolean> {
    this.calls.expire++;
    return this.inner.expire(key, ttlSeconds);
  }
  clear(prefix?: string): Promise<void> {
    this.calls.clear++;
    return this.inner.clear(prefix);
  }
  reset(): void {
    for (const key of Object.keys(this.calls) as (keyof typeof this.calls)[]) this.calls[key] = 0;
  }
}

/** The `name=value` pairs of a response's `Set-Cookie` headers for one cookie name. */
export function cookiesNamed(response: Response, name: string): string[] {
  return response.headers.getSetCookie().filter((c) => c.startsWith(`${name}=`));
}
