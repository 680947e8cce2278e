import { isCluster, type RedisClient } from "./connection";

/** Escapes glob characters so a key prefix is matched literally by `SCAN ... MATCH`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * Visits every key starting with `prefix` (the full key, including the client's `keyPrefix`)
 * in batches, with `SCAN` (never `KEYS`, which blocks the server). On a Cluster each master
 * is scanned. A key may be visited twice, as SCAN guarantees no more.
 */
export async function scanPrefix(
  client: RedisClient,
  prefix: string,
  visit: (keys: string[]) => void | Promise<void>,
  count = 500,
): Promise<void> {
  const pattern = `${escapeGlob(prefix)}*`;
  const nodes = isCluster(client) ? client.nodes("master") : [client];
  // A Cluster that has not connected yet knows no masters: scanning nothing would look like
  // an empty store.
  if (nodes.length === 0) throw new Error("Redis Cluster has no connected master node");
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      cursor = next;
      if (keys.length > 0) await visit(keys);
    } while (cursor !== "0");
  }
}

/** Unlinks keys (given without the client's `keyPrefix`); one by one on a Cluster, where keys may live in different slots. */
export async function unlinkKeys(client: RedisClient, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  if (isCluster(client)) await Promise.all(keys.map((key) => client.unlink(key)));
  else await client.unlink(...keys);
}
