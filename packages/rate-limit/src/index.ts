/**
 * @harpia/rate-limit — limits how many requests a client makes per window, on the whole app,
 * a router or one route: fixed or sliding windows counted atomically in any `Store` (memory, or
 * Redis to share the limit between instances), a 429 with `Retry-After` over the limit, and the
 * IETF `RateLimit` / `RateLimit-Policy` headers on every counted response.
 */
export type { Duration, DurationUnit } from "./duration";
export type {
  Algorithm,
  HeaderStyle,
  OutageLogger,
  RateLimitOptions,
  StoreErrorPolicy,
} from "./options";
export { PLUGIN_NAME, type RateLimiter, type RateLimitInfo, rateLimit } from "./rate-limit";
