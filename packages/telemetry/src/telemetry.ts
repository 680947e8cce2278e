import { type AtomicStore, type Handler, type HarpiaRequest, HttpError, type Middleware } from "@harpia/core";
import { AccessGuard } from "./access";
import { visitorIp } from "./client-ip";
import { createDashboard, type DashboardData, type DashboardOptions } from "./dashboard";
import { dayOf, Layout, lastDays } from "./layout";
import { observe } from "./observe";
import { normalizePath, type ResolvedOptions, resolveOptions, type TelemetryOptions } from "./options";
import { checkDate, checkIp, checkLimit, checkPath, checkThreshold } from "./params";
import { Reader, rankPages } from "./reader";
import { type Observation, Recorder } from "./recorder";
import type {
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
  VisitorRecord,
} from "./types";

const SEED_FORM_REPLACED =
  "telemetry.initialize()/handleRequest() kept each request's data on the shared Telemetry instance, " +
  "so concurrent requests overwrote each other, and could not time the handler. " +
  "Use app.use(telemetry.middleware()) instead: it records the IP, traffic source (UTM), status, " +
  "errors and real response time of every request on its own.";

/**
 * Request telemetry: traffic, visitors, pages, response times, errors and traffic sources,
 * with the seed's reading API and a dashboard. Data is kept as atomic counters and bounded
 * lists in an `AtomicStore` (a `MemoryStore` by default, a `RedisStore` to share it between
 * instances), every dimension a client can grow is capped, and old days expire.
 *
 * @example
 * const app = harpia({ trustProxy: 1 }); // visitor IPs are req.ip: the app decides whom to trust
 * const telemetry = new Telemetry({ ignore: ["/favicon.ico", "/healthcheck"] });
 * app.use(telemetry.middleware());
 * app.get("/admin/telemetry", telemetry.dashboard());
 * const stats = await telemetry.summary({ limit: 5, token, callerIp });
 */
export class Telemetry {
  private readonly options: ResolvedOptions;
  private readonly layout: Layout;
  private readonly recorder: Recorder;
  private readonly reader: Reader;
  private readonly guard: AccessGuard;
  private readonly pending = new Set<Promise<void>>();
  private readonly skipped = new WeakSet<HarpiaRequest<any>>();
  private dropped = 0;

  constructor(options: TelemetryOptions = {}) {
    this.options = resolveOptions(options);
    this.guard = new AccessGuard(options.accessToken, options.allowedIps);
    this.layout = new Layout(this.options.prefix);
    this.recorder = new Recorder(this.layout, this.options);
    this.reader = new Reader(this.options.store, this.layout, this.options.maxVisitorsKeys);
  }

  /** The store telemetry is kept in. */
  get store(): AtomicStore {
    return this.options.store;
  }

  /** Requests not recorded because `maxPending` recordings were already in flight. */
  get droppedRecords(): number {
    return this.dropped;
  }

  /**
   * The middleware that records every request: register it first (`app.use(...)`), so it
   * times the whole chain. It measures from before `next()` until the handler chain is done,
   * then reads the final status and error (`res.statusCode`, `res.error`), the visitor's IP
   * and the traffic source from this request alone. Recording runs after the response is
   * ready and never delays or fails it.
   */
  middleware(): Middleware {
    const { ignore, clock } = this.options;
    return async (req, res, next) => {
      const path = normalizePath(req.path);
      if (ignore(path)) return next();
      const at = clock();
      const started = performance.now();
      await next();
      const elapsed = performance.now() - started;
      if (this.skipped.has(req)) return;
      this.enqueue(observe(req, res, path, at, elapsed, this.options));
    };
  }

  /** Leaves one request out of telemetry (the dashboard does this for its own requests). */
  skip(req: HarpiaRequest<any>): void {
    this.skipped.add(req);
  }

  private enqueue(observation: Observation): void {
    if (this.pending.size >= this.options.maxPending) {
      this.dropped++;
      return;
    }
    const work: Promise<void> = this.recorder
      .record(observation)
      .catch((error) => this.options.onError(error))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Resolves once every recording started so far is written (for tests and graceful shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * The seed's per-request form is replaced by {@link middleware}: it kept request state on
   * this shared instance. Calling it throws a `TypeError` that says so.
   * @deprecated Use `app.use(telemetry.middleware())`.
   */
  initialize(..._args: unknown[]): never {
    throw new TypeError(SEED_FORM_REPLACED);
  }

  /**
   * See {@link initialize}: replaced by {@link middleware}; throws.
   * @deprecated Use `app.use(telemetry.middleware())`.
   */
  handleRequest(..._args: unknown[]): never {
    throw new TypeError(SEED_FORM_REPLACED);
  }

  /** One day: the given one, else today (UTC). */
  private day(date: string | undefined): string {
    return date === undefined ? dayOf(this.options.clock()) : checkDate(date);
  }

  /** The given day, else every kept day. */
  private span(date: string | undefined): string[] {
    return date === undefined
      ? lastDays(this.options.clock(), this.options.retentionDays)
      : [checkDate(date)];
  }

  /** The whole raw data (the seed's shape), for one day or every kept day. Can be large. */
  async getAll(params: AccessParams & DateParam = {}): Promise<TelemetryData> {
    this.guard.check(params);
    const dates = this.span(params.date);
    const [totalRequests, pageViews, visitors] = await Promise.all([
      this.reader.totalRequests(dates),
      this.reader.pageViews(dates),
      this.reader.visitorsOf(dates),
    ]);
    const visitorsByDate: Record<string, Record<string, VisitorRecord>> = {};
    const records = await Promise.all(visitors.map(({ date, ip }) => this.reader.visitor(date, ip)));
    visitors.forEach(({ date, ip }, i) => {
      const record = records[i];
      if (record === undefined) return;
      visitorsByDate[date] ??= {};
      visitorsByDate[date][ip] = record;
    });
    return { access: { totalRequests, visitorsByDate }, behavior: { pageViews } };
  }

  /** One day's overview (default today); `limit` top pages (default 10). */
  async summary(params: AccessParams & DateParam & { limit?: number } = {}): Promise<Summary> {
    this.guard.check(params);
    const date = this.day(params.date);
    const limit = checkLimit(params.limit, 10);
    const [totalRequests, uniqueVisitors, views, avgResponseTime, totalErrors] = await Promise.all([
      this.reader.totalRequests([date]),
      this.reader.uniqueVisitors(date),
      this.reader.pageViews([date]),
      this.reader.avgResponseTime([date]),
      this.reader.countErrors([date]),
    ]);
    return {
      date,
      totalRequests,
      uniqueVisitors,
      topPages: rankPages(views, limit),
      avgResponseTime,
      totalErrors,
    };
  }

  /** Requests, unique visitors, average response time and errors of every kept day, oldest first. */
  async getDailyStats(params: AccessParams = {}): Promise<DailyStats[]> {
    this.guard.check(params);
    return this.reader.dailyStats(this.span(undefined));
  }

  /** A day's visitors (default today), keyed by IP. */
  async getVisitors(params: AccessParams & DateParam = {}): Promise<Record<string, VisitorRecord>> {
    this.guard.check(params);
    return this.reader.visitors(this.day(params.date));
  }

  /** One visitor's requests and recent visits on a day (default today); `undefined` if none. */
  async getVisitorByIp(
    params: AccessParams & DateParam & { ip: string },
  ): Promise<VisitorRecord | undefined> {
    this.guard.check(params);
    return this.reader.visitor(this.day(params.date), checkIp(params.ip));
  }

  /** Distinct visitor IPs on a day (default today), up to `maxVisitorsKeys`. */
  async countUniqueVisitors(params: AccessParams & DateParam = {}): Promise<number> {
    this.guard.check(params);
    return this.reader.uniqueVisitors(this.day(params.date));
  }

  /** Views per path, for a day or every kept day. */
  async getPageViews(params: AccessParams & DateParam = {}): Promise<Record<string, number>> {
    this.guard.check(params);
    return this.reader.pageViews(this.span(params.date));
  }

  /** The `limit` (default 10) most viewed paths, for a day or every kept day. */
  async getTopPages(params: AccessParams & DateParam & { limit?: number } = {}): Promise<PageViews[]> {
    this.guard.check(params);
    const limit = checkLimit(params.limit, 10);
    return rankPages(await this.reader.pageViews(this.span(params.date)), limit);
  }

  /** Views, visitors, average response time and errors of one path. */
  async getPageByPath(params: AccessParams & DateParam & { path: string }): Promise<PageStats> {
    this.guard.check(params);
    return this.reader.page(this.span(params.date), checkPath(params.path));
  }

  /** Average response time in ms, for a day or every kept day. */
  async getAvgResponseTime(params: AccessParams & DateParam = {}): Promise<number> {
    this.guard.check(params);
    return this.reader.avgResponseTime(this.span(params.date));
  }

  /** Kept visits slower than `threshold` ms, slowest first (at most `limit`, default 100). */
  async getSlowRequests(
    params: AccessParams & DateParam & { threshold: number; limit?: number },
  ): Promise<SlowRequest[]> {
    this.guard.check(params);
    const threshold = checkThreshold(params.threshold);
    return this.reader.slowRequests(this.span(params.date), threshold, checkLimit(params.limit, 100, 10_000));
  }

  /** Kept errors, newest first (at most `limit`, default 100), for a day or every kept day. */
  async getErrors(params: AccessParams & DateParam & { limit?: number } = {}): Promise<ErrorEntry[]> {
    this.guard.check(params);
    return this.reader.errors(this.span(params.date), checkLimit(params.limit, 100, 100_000));
  }

  /** Requests answered with an error status, for a day or every kept day. */
  async countErrors(params: AccessParams & DateParam = {}): Promise<number> {
    this.guard.check(params);
    return this.reader.countErrors(this.span(params.date));
  }

  /** Visits per `source/medium`, optionally of one `source`, for a day or every kept day. */
  async getTrafficSources(
    params: AccessParams & DateParam & { source?: string } = {},
  ): Promise<Record<string, number>> {
    this.guard.check(params);
    const all = await this.reader.trafficSources(this.span(params.date));
    if (params.source === undefined) return all;
    const wanted = `${params.source}/`;
    return Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(wanted)));
  }

  /** Requests per response-time bucket, for a day or every kept day. */
  async getResponseTimeDistribution(params: AccessParams & DateParam = {}): Promise<ResponseTimeBucket[]> {
    this.guard.check(params);
    return this.reader.distribution(this.span(params.date));
  }

  /** Removes all telemetry data (only this telemetry's keys). */
  async flush(params: AccessParams = {}): Promise<void> {
    this.guard.check(params);
    await this.settled();
    await this.store.clear(this.layout.prefix);
  }

  /**
   * Erases data: a whole day (`date`), a visitor on every kept day (`ip`, e.g. for a GDPR
   * request), or a visitor on one day (both). Aggregate counters (requests, views) keep
   * counting the erased requests; nothing tying them to the IP remains.
   */
  async delete(params: AccessParams & { ip?: string; date?: string }): Promise<void> {
    this.guard.check(params);
    if (params?.ip === undefined && params?.date === undefined)
      throw new HttpError(400, "delete() needs an ip, a date or both", { code: "BAD_REQUEST" });
    await this.settled();
    if (params.ip === undefined) {
      await this.store.clear(this.layout.day(checkDate(params.date)));
      return;
    }
    const ip = checkIp(params.ip);
    await Promise.all(this.span(params.date).map((date) => this.eraseVisitor(date, ip)));
  }

  private async eraseVisitor(date: string, ip: string): Promise<void> {
    const { store, layout } = this;
    const { ttlSeconds } = this.options;
    const counter = layout.visitor(date, ip);
    const existed = await store.has(counter);
    await Promise.all([store.delete(counter), store.delete(layout.visits(date, ip))]);
    if (existed) await store.increment(layout.visitorSlots(date), -1, ttlSeconds);
    const log = layout.errorLog(date);
    const mine = (await store.listRange<ErrorEntry>(log)).filter((entry) => entry.ip === ip);
    // Removed in place, item by item: errors other visitors record meanwhile are kept.
    if (mine.length > 0) await store.listRemove(log, mine);
  }

  /**
   * A handler serving the dashboard: a self-contained page (no CDN) with requests and unique
   * visitors per day, top pages, the response-time distribution, slow requests and errors.
   * Guarded like the reading API: the token comes from an `Authorization: Bearer` header,
   * an `x-telemetry-token` header, a `?token=` query (exchanged for an HttpOnly cookie) or
   * that cookie; the caller's IP is checked against `allowedIps`.
   *
   * @example
   * app.get("/admin/telemetry", telemetry.dashboard());
   */
  dashboard(options: DashboardOptions = {}): Handler<any> {
    if (!this.guard.guarded && options.allowUnguarded !== true)
      throw new TypeError(
        "telemetry.dashboard() shows visitor IPs: set `accessToken` and/or `allowedIps` on the Telemetry " +
          "(or pass { allowUnguarded: true } for a dashboard behind your own authentication)",
      );
    return createDashboard(
      {
        guard: this.guard,
        skip: (req) => this.skip(req),
        callerIp: visitorIp,
        collect: (slowThreshold) => this.collect(slowThreshold),
      },
      options,
    );
  }

  private async collect(slowThreshold: number): Promise<DashboardData> {
    const today = dayOf(this.options.clock());
    const all = this.span(undefined);
    const [daily, views, todayViews, distribution, slow, errors, sources, uniqueToday] = await Promise.all([
      this.reader.dailyStats(all),
      this.reader.pageViews(all),
      this.reader.pageViews([today]),
      this.reader.distribution(all),
      this.reader.slowRequests(all, slowThreshold, 20),
      this.reader.errors(all, 20),
      this.reader.trafficSources(all),
      this.reader.uniqueVisitors(today),
    ]);
    return {
      generatedAt: this.options.clock().toISOString(),
      today,
      retentionDays: this.options.retentionDays,
      uniqueVisitorsToday: uniqueToday,
      topPagesToday: rankPages(todayViews, 10),
      daily,
      topPages: rankPages(views, 10),
      distribution,
      slowThreshold,
      slow,
      errors,
      sources: rankPages(sources, 10).map(({ path, views: count }) => ({ source: path, visits: count })),
      droppedRecords: this.dropped,
    };
  }
}
