// Durability (`WAIT`) on a topology with replicas: the test freezes the replicas of the
// master holding a key and checks that a write to it is refused in time instead of acknowledged.
import { expect } from "bun:test";
import { type RedisConnection, RedisStore, StoreUnavailableError } from "../../src/index";
import { eventually } from "./redis";

/**
 * With the replicas of `key`'s master frozen (`freezeReplicas` returns how to thaw them), a
 * write is a 503 within about the WAIT timeout, though the master applied it and reads go
 * on; once the replicas are back, writes are confirmed again.
 */
export async function expectUnconfirmedWritesRefused(
  connection: RedisConnection,
  freezeReplicas: (fullKey: string) => () => void,
): Promise<void> {
  const store = new RedisStore(connection, {
    prefix: `durability:${crypto.randomUUID()}:`,
    commandTimeout: 1000,
    durability: { replicas: 1, timeoutMs: 100 },
    logErrors: false,
  });
  try {
    await store.set("doc", "before");
    const thaw = freezeReplicas(`${store.prefix}doc`);
    let refused: unknown;
    let elapsed: number;
    let read: unknown;
    try {
      const started = performance.now();
      refused = await store.set("doc", "during").catch((error: unknown) => error);
      elapsed = performance.now() - started;
      read = await store.get("doc");
    } finally {
      thaw();
    }
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(((refused as StoreUnavailableError).cause as Error).message).toMatch(/reached 0 of 1 replica/);
    expect(elapsed).toBeLessThan(600);
    expect(read).toBe("during"); // the master has it; only the confirmation is missing
    const confirmed = await eventually(async () => {
      await store.set("doc", "after");
      return true;
    }, 20);
    expect(confirmed).toBe(true);
    expect(await store.get("doc")).toBe("after");
  } finally {
    await store.clear().catch(() => {});
    await store.close();
  }
}
