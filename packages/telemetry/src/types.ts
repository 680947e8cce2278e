/** Where a visit came from: UTM parameters of the URL, or the host of an external `Referer`. */
export interface TrafficSource {
  /** `utm_source`, `utm_medium` and `utm_campaign` of the request URL. */
  utm?: { source?: string; medium?: string; campaign?: string };
  /** The host of the page that linked here, when it is another site. */
  referrer?: string;
}

/** An error recorded with a visit: the response status and a message. */
export interface VisitError {
  /** The HTTP status answered (e.g. 500). */
  code: number;
  /** The error's message, or the status text. */
  message: string;
}

/** One request, as kept in a visitor's bounded list of recent visits. */
export interface VisitData {
  path: string;
  method: string;
  status: number;
  /** When the response was ready: ISO 8601, UTC. */
  timestamp: string;
  /** Milliseconds from the request's arrival (before routing) until its response was ready. */
  responseTime: number;
  error: VisitError | null;
  trafficSource?: TrafficSource;
}

/** A visitor's day: request count and most recent visits (newest first). */
export interface VisitorRecord {
  totalRequests: number;
  visits: VisitData[];
}

/** Credentials of a reading call, checked when the Telemetry has `accessToken` / `allowedIps`. */
export interface AccessParams {
  /** Must equal the `accessToken` option (compared in constant time). */
  token?: string;
  /** The caller's IP, checked against `allowedIps`. */
  callerIp?: string;
}

/** A day as `YYYY-MM-DD` (UTC). */
export interface DateParam {
  date?: string;
}

/** What `getAll` returns: the seed's raw layout. */
export interface TelemetryData {
  access: {
    totalRequests: number;
    visitorsByDate: Record<string, Record<string, VisitorRecord>>;
  };
  behavior: { pageViews: Record<string, number> };
}

/** A page and its views. */
export interface PageViews {
  path: string;
  views: number;
}

/** What `summary` returns. */
export interface Summary {
  date: string;
  totalRequests: number;
  uniqueVisitors: number;
  topPages: PageViews[];
  avgResponseTime: number;
  totalErrors: number;
}

/** One day of `getDailyStats`. */
export interface DailyStats {
  date: string;
  totalRequests: number;
  uniqueVisitors: number;
  avgResponseTime: number;
  totalErrors: number;
  /** Requests from visitors beyond `maxVisitorsKeys` (counted, not kept per visitor). */
  untrackedRequests: number;
}

/** What `getPageByPath` returns. */
export interface PageStats {
  path: string;
  views: number;
  /** IPs whose kept visits include this path. */
  visitors: string[];
  avgResponseTime: number;
  errorCount: number;
}

/** One entry of `getSlowRequests`. */
export interface SlowRequest {
  ip: string;
  path: string;
  method: string;
  status: number;
  timestamp: string;
  responseTime: number;
}

/** One entry of `getErrors`. */
export interface ErrorEntry {
  ip: string;
  path: string;
  method: string;
  timestamp: string;
  responseTime: number;
  error: VisitError;
}

/** One bar of `getResponseTimeDistribution`. */
export interface ResponseTimeBucket {
  /** Human label, e.g. `"50–100 ms"`. */
  label: string;
  /** Upper bound in ms (exclusive), or `null` for the last, open bucket. */
  below: number | null;
  count: number;
}
