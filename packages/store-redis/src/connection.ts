import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/** An ioredis client: a single node (possibly through Sentinel) or a Cluster. */
export type RedisClient = Redis<any> | Cluster<any>;

/**
 * Where a `RedisStore` connects:
 * - `{ client }`: an ioredis `Redis` or `Cluster` you created (it stays yours: `close()` leaves it open);
 * - `{ url, options? }`: a `redis://` / `rediss://` URL;
 * - `{ cluster: nodes, options? }`: a Redis Cluster from its startup nodes;
 * - ioredis options (`{ host, port, password, db, tls, sentinels, name, ... }`), Sentinel included;
 * - a database number, or nothing: the seed's form, read from `REDIS_URL`, else `REDIS_HOST`,
 *   `REDIS_PORT`, `REDIS_USER` and `REDIS_PASS` (default `redis://localhost:6379`).
 */
export type RedisConnection =
  | { client: RedisClient }
  | { url: string; options?: RedisOptions }
  | { cluster: ClusterNode[]; options?: ClusterOptions }
  | RedisOptions
  | number;

/** A client and whether the store created it (and so closes it). */
export interface ConnectedClient {
  client: RedisClient;
  owned: boolean;
}

/**
 * Defaults for clients the store creates, chosen so an outage is reported at once instead of
 * holding requests: a command timeout; commands in flight when the connection drops fail
 * instead of being resent after reconnection (a write the caller was told failed must not
 * happen later); reconnection forever with a capped backoff. Commands issued before the first
 * connection are queued (bounded by the timeout) so an app can serve requests while it starts.
 */
function resilientOptions(commandTimeout: number): RedisOptions {
  return {
    commandTimeout,
    connectTimeout: Math.max(commandTimeout, 2000),
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    enableOfflineQueue: true,
  };
}

/** Milliseconds between a Cluster client's retries of a command during a failover. */
const FAILOVER_RETRY_DELAY = 100;

/** The seed's environment variables, as a URL. */
export function urlFromEnvironment(db?: number): string {
  const env = process.env;
  if (env.REDIS_URL) return db === undefined ? env.REDIS_URL : withDatabase(env.REDIS_URL, db);
  const user = env.REDIS_USER ?? "";
  const pass = env.REDIS_PASS ?? "";
  const auth = user || pass ? `${encodeURIComponent(user)}:${encodeURIComponent(pass)}@` : "";
  const url = `redis://${auth}${env.REDIS_HOST || "localhost"}:${env.REDIS_PORT || "6379"}`;
  return db === undefined ? url : withDatabase(url, db);
}

function withDatabase(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

function isClient(value: unknown): value is RedisClient {
  return value instanceof Redis || value instanceof Cluster || isDuckClient(value);
}

/** A client from another copy of ioredis: it has `status` and sends commands. */
function isDuckClient(value: unknown): boolean {
  const candidate = value as { status?: unknown; sendCommand?: unknown } | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.status === "string" &&
    typeof candidate.sendCommand === "function"
  );
}

/** Creates (or adopts) the client described by `connection`. */
export function connect(connection: RedisConnection | undefined, commandTimeout: number): ConnectedClient {
  const defaults = resilientOptions(commandTimeout);
  if (connection === undefined || typeof connection === "number") {
    if (connection !== undefined && !(Number.isInteger(connection) && connection >= 0))
      throw new RangeError(
        `RedisStore: the database number must be a non-negative integer, got ${connection}`,
      );
    return { client: new Redis(urlFromEnvironment(connection), defaults), owned: true };
  }
  if (typeof connection !== "object" || connection === null)
    throw new TypeError("RedisStore: pass { client }, { url }, { cluster } or ioredis options");
  if ("client" in connection) {
    if (!isClient(connection.client))
      throw new TypeError("RedisStore: `client` must be an ioredis Redis or Cluster instance");
    return { client: connection.client, owned: false };
  }
  if ("url" in connection) {
    if (typeof connection.url !== "string" || !/^rediss?:\/\//.test(connection.url))
      throw new TypeError(
        `RedisStore: \`url\` must start with redis:// or rediss://, got "${connection.url}"`,
      );
    return { client: new Redis(connection.url, { ...defaults, ...connection.options }), owned: true };
  }
  if ("cluster" in connection) {
    if (!Array.isArray(connection.cluster) || connection.cluster.length === 0)
      throw new TypeError("RedisStore: `cluster` must list at least one startup node");
    const { redisOptions, ...clusterOptions } = connection.options ?? {};
    const client = new Cluster(connection.cluster, {
      enableOfflineQueue: true,
      clusterRetryStrategy: defaults.retryStrategy as ClusterOptions["clusterRetryStrategy"],
      // While a master fails over, ioredis retries a command every 100 ms (refreshing the slot
      // map) until a node takes it: at most about `commandTimeout`, so that a call already
      // answered 503 is not applied long after by a retry still in flight.
      retryDelayOnFailover: FAILOVER_RETRY_DELAY,
      retryDelayOnClusterDown: FAILOVER_RETRY_DELAY,
      retryDelayOnTryAgain: FAILOVER_RETRY_DELAY,
      maxRedirections: Math.max(2, Math.min(16, Math.floor(commandTimeout / FAILOVER_RETRY_DELAY))),
      ...clusterOptions,
      redisOptions: {
        commandTimeout: defaults.commandTimeout,
        connectTimeout: defaults.connectTimeout,
        maxRetriesPerRequest: defaults.maxRetriesPerRequest,
        ...redisOptions,
      },
    });
    return { client, owned: true };
  }
  // Through Sentinel, also listen for the sentinels' `+switch-master` and move to the new master
  // at once: an old master that was only unreachable (frozen, partitioned) may come back still
  // taking writes until the sentinels demote it, and those writes would be lost.
  const sentinel = Array.isArray(connection.sentinels) ? { failoverDetector: true } : {};
  return { client: new Redis({ ...defaults, ...sentinel, ...connection }), owned: true };
}

/** Whether the client talks to a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster<any> {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/** The `keyPrefix` ioredis adds to every key the client sends (and that SCAN returns). */
export function clientKeyPrefix(client: RedisClient): string {
  const options = client.options as { keyPrefix?: string; redisOptions?: { keyPrefix?: string } };
  return options.keyPrefix ?? options.redisOptions?.keyPrefix ?? "";
}

/** Milliseconds `closeClient` waits for the connection to end after `QUIT` before dropping it. */
const END_WAIT_MS = 1000;

/**
 * Closes a client and resolves once its connections ended: `QUIT` when connected (bounded by
 * the client's command timeout), else (or when the server does not hang up in time) drops the
 * connection at once (a `QUIT` would wait in the offline queue).
 */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === "end") return;
  const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
  if (client.status === "ready") await client.quit().catch(() => client.disconnect());
  else client.disconnect();
  // Waiting to reconnect, there is no socket: disconnect() cancelled the retry, nothing will "end".
  if ((client.status as string) === "end" || client.status === "reconnecting") return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.disconnect();
      resolve();
    }, END_WAIT_MS);
  });
  await Promise.race([ended, late]);
  clearTimeout(timer);
}
