/**
 * @harpia/metrics — Prometheus metrics through prom-client: requests by method, route pattern
 * and status, their durations, in-flight requests, open WebSockets and process metrics, served
 * behind a bearer token, a guard, or on a separate port.
 */
export { METRIC_NAMES } from "./instruments";
export { KNOWN_METHODS, OTHER_METHOD, UNMATCHED_ROUTE } from "./labels";
export { type Metrics, type MetricsPlugin, metrics, PLUGIN_NAME } from "./metrics";
export { DEFAULT_BUCKETS, type MetricsGuard, type MetricsOptions } from "./options";
