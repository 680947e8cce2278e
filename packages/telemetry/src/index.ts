/**
 * @harpia/telemetry — request telemetry for Harpia: traffic, visitors, pages, response times,
 * errors and traffic sources, kept as atomic counters in any `AtomicStore` (Redis to count
 * across instances), with the seed's reading API and a self-contained dashboard.
 *
 * `app.use(telemetry(options))` installs it; the value it returns is the reading API.
 */
export { AccessGuard, Unauthorized } from "./access";
export { IpAllowList, normalizeIp, type TelemetryTrustProxy, visitorIp } from "./client-ip";
export type { DashboardData, DashboardOptions, DashboardRouteOptions } from "./dashboard";
export type { TelemetryOptions } from "./options";
export type { TelemetryReadingApi } from "./reading-api";
export { TELEMETRY_PLUGIN, Telemetry, telemetry } from "./telemetry";
export type {
  AccessParams,
  DailyStats,
  DateParam,
  ErrorEntry,
  PageStats,
  PageViews,
  ResponseTimeBucket,
  SlowRequest,
  Summary,
  TelemetryData,
  TrafficSource,
  VisitData,
  VisitError,
  VisitorRecord,
} from "./types";

declare module "@harpia/core" {
  /** Per-request values telemetry reads and writes (see core's `RequestState`). */
  interface RequestState {
    /**
     * Set by `telemetry.skip(req)` (the dashboard does it for its own requests), or by your
     * own middleware: this request is left out of telemetry.
     */
    telemetrySkip?: boolean;
    /** When telemetry first saw the request (`performance.now()`), to time it. */
    telemetryStartedAt?: number;
  }
}
