/**
 * @harpia/store-redis — a Redis `AtomicStore` for Harpia on ioredis (single node, Sentinel,
 * Cluster): shared sessions, CSRF tokens, caches, counters and telemetry across instances,
 * failing fast with a 503 during outages.
 */
export type { OutageLogger } from "./availability";
export {
  type ConnectedClient,
  type RedisClient,
  type RedisConnection,
  urlFromEnvironment,
} from "./connection";
export { isStoreUnavailable, StoreUnavailableError } from "./errors";
export {
  attachRedisPubSub,
  type PubSubHost,
  RedisPubSub,
  type RedisPubSubOptions,
  redisPubSub,
} from "./pubsub";
export { RedisStore, type RedisStoreOptions } from "./redis-store";
