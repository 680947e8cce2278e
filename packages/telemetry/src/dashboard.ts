import { type Handler, type HarpiaRequest, type HarpiaResponse, HttpError } from "@harpia/core";
import { preferredFormat } from "@harpia/core/utils";
import { type AccessGuard, Unauthorized } from "./access";
import { type LiveOption, liveInterval, serveLive, sharedCollector } from "./dashboard-live";
import { renderDashboard, renderLogin } from "./dashboard-page";
import type { DailyStats, ErrorEntry, PageViews, ResponseTimeBucket, SlowRequest } from "./types";

/** Options of `telemetry.dashboard()`. */
export interface DashboardOptions {
  /** Page title (default `"Telemetry"`). */
  title?: string;
  /** Requests slower than this many ms are listed as slow (default 500). */
  slowThreshold?: number;
  /** Name of the cookie that keeps the dashboard open after a `?token=` visit (default `harpia_telemetry`). */
  cookieName?: string;
  /** Lifetime of that cookie, in seconds (default 8 hours). */
  cookieMaxAge?: number;
  /**
   * Serve the dashboard although the Telemetry has neither `accessToken` nor `allowedIps`:
   * only behind your own authentication middleware.
   */
  allowUnguarded?: boolean;
  /**
   * Live updates: the page redraws itself with fresh data every `interval` (default 5 s; a
   * duration such as `"10s"` or milliseconds), pushed as server-sent events from the same path
   * with `?format=events` (guarded like the page). Default `false`.
   */
  live?: LiveOption;
}

/** The `dashboard` option of `telemetry({ dashboard })`: where to mount it, and how it looks. */
export interface DashboardRouteOptions extends DashboardOptions {
  /** The path the dashboard is served at (GET, and HEAD), default `"/admin/telemetry"`. */
  path?: string;
}

/** The default path of the `dashboard` option. */
export const DEFAULT_DASHBOARD_PATH = "/admin/telemetry";

/** Checks the `dashboard` option: an object whose `path`, when given, is an absolute path. */
export function dashboardRoute(option: unknown): { path: string; options: DashboardOptions } {
  if (option === null || typeof option !== "object" || Array.isArray(option))
    throw new TypeError('Telemetry: `dashboard` must be an object such as { path: "/admin/telemetry" }');
  const { path = DEFAULT_DASHBOARD_PATH, ...options } = option as DashboardRouteOptions;
  if (typeof path !== "string" || !path.startsWith("/"))
    throw new TypeError(
      `Telemetry: \`dashboard.path\` must be a path starting with "/", got ${String(path)}`,
    );
  return { path, options };
}

/** Everything the dashboard shows (also served as JSON with `?format=json`). */
export interface DashboardData {
  generatedAt: string;
  today: string;
  retentionDays: number;
  uniqueVisitorsToday: number;
  topPagesToday: PageViews[];
  daily: DailyStats[];
  topPages: PageViews[];
  distribution: ResponseTimeBucket[];
  slowThreshold: number;
  slow: SlowRequest[];
  errors: ErrorEntry[];
  sources: { source: string; visits: number }[];
  droppedRecords: number;
}

/** What the dashboard needs from its `Telemetry`. */
export interface DashboardSource {
  guard: AccessGuard;
  skip(req: HarpiaRequest<any>): void;
  callerIp(req: HarpiaRequest<any>): string;
  collect(slowThreshold: number): Promise<DashboardData>;
}

function bearerToken(req: HarpiaRequest<any>): string | undefined {
  const header = req.headers.get("authorization");
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1] ?? req.headers.get("x-telemetry-token") ?? undefined;
}

/**
 * The CSP nonce of this response, when a security plugin made one: `req.state.nonce`
 * (@harpia/shield), else `res.locals.nonce` (older shields, or an app's own middleware).
 */
function nonceOf(req: HarpiaRequest<any>, res: HarpiaResponse): string | undefined {
  const fromState = (req.state as { nonce?: unknown }).nonce;
  if (typeof fromState === "string") return fromState;
  return typeof res.locals.nonce === "string" ? res.locals.nonce : undefined;
}

/** Builds the dashboard handler (see `Telemetry.dashboard`). */
export function createDashboard(source: DashboardSource, options: DashboardOptions): Handler<any> {
  const title = options.title ?? "Telemetry";
  const slowThreshold = options.slowThreshold ?? 500;
  if (!(slowThreshold >= 0))
    throw new RangeError("dashboard(): `slowThreshold` must be a non-negative number");
  const cookieName = options.cookieName ?? "harpia_telemetry";
  const cookieMaxAge = options.cookieMaxAge ?? 8 * 60 * 60;
  const { guard } = source;
  const interval = liveInterval(options.live);
  const live =
    interval === undefined ? undefined : sharedCollector(() => source.collect(slowThreshold), interval);

  return async (req, res) => {
    source.skip(req);
    res
      .header("cache-control", "no-store")
      .header("x-robots-tag", "noindex")
      .header("referrer-policy", "no-referrer");
    const nonce = nonceOf(req, res);
    const queryToken = req.query.token;
    const wantsEvents =
      req.query.format === "events" || (req.headers.get("accept") ?? "").includes("text/event-stream");
    const wantsJson =
      req.query.format === "json" || preferredFormat(req.headers.get("accept"), ["html", "json"]) === "json";
    try {
      guard.checkDashboard(bearerToken(req) ?? queryToken, req.cookies.get(cookieName), source.callerIp(req));
    } catch (error) {
      if (!(error instanceof Unauthorized) || error.status !== 401 || wantsJson || wantsEvents) throw error;
      res.status(401).header("www-authenticate", 'Bearer realm="telemetry"');
      res.html(renderLogin({ title, nonce, failed: queryToken !== undefined }));
      return;
    }
    if (queryToken !== undefined && guard.usesToken) {
      // Swap the token in the URL (kept by history, logs and Referer) for an HttpOnly cookie.
      res.cookies.set(cookieName, guard.sessionProof(), {
        httpOnly: true,
        sameSite: "Strict",
        secure: req.secure,
        path: req.path,
        maxAge: cookieMaxAge,
      });
      const params = new URLSearchParams(req.searchParams);
      params.delete("token");
      const query = params.toString();
      res.redirect(query ? `${req.path}?${query}` : req.path, 303);
      return;
    }
    if (wantsEvents) {
      if (live === undefined || interval === undefined)
        throw new HttpError(404, "Live updates are off for this dashboard (its `live` option)");
      serveLive(res, live, interval);
      return;
    }
    const data = await source.collect(slowThreshold);
    if (wantsJson) res.json(data);
    else res.html(renderDashboard(data, { title, nonce, live: interval !== undefined }));
  };
}
