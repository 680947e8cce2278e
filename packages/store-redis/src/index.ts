/**
 * @harpia/store-redis — a Redis `AtomicStore` for Harpia on ioredis (single node, Sentinel,
 * Cluster): shared sessions, CSRF tokens, caches, counters and telemetry across instances,
 * failing fast with a 503 during outages; and WebSocket fan-out across instances. Both are
 * plugins that close with the app:
 *
 *   const store = new RedisStore({ url });
 *   app.use(store);
 *   app.use(redisPubSub({ store }));
 */
export type { OutageLogger } from "./availability";
export {
  type ConnectedClient,
  type RedisClient,
  type RedisConnection,
  urlFromEnvironment,
} from "./connection";
export { isStoreUnavailable, StoreUnavailableError } from "./errors";
export { type RedisPubSub, type RedisPubSubOptions, redisPubSub } from "./pubsub";
export { RedisStore, type RedisStoreOptions } from "./redis-store";
