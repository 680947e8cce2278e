import { type AtomicStore, HttpError } from "@harpia/core";
import type { AccessGuard } from "./access";
import { dayOf, type Layout, lastDays } from "./layout";
import type { ResolvedOptions } from "./options";
import { checkDate, checkIp, checkLimit, checkPath, checkThreshold } from "./params";
import { type Reader, rankPages } from "./reader";
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

/**
 * The seed's reading API of `Telemetry` (every call checks `token`/`callerIp` first), and the
 * erasing calls. `Telemetry` adds recording, the plugin and the dashboard on top.
 */
export abstract class TelemetryReadingApi {
  protected constructor(
    protected readonly options: ResolvedOptions,
    protected readonly guard: AccessGuard,
    protected readonly layout: Layout,
    protected readonly reader: Reader,
  ) {}

  /** The store telemetry is kept in. */
  get store(): AtomicStore {
    return this.options.store;
  }

  /** Resolves once every recording started so far is written. */
  abstract settled(): Promise<void>;

  /** One day: the given one, else today (UTC). */
  protected day(date: string | undefined): string {
    return date === undefined ? dayOf(this.options.clock()) : checkDate(date);
  }

  /** The given day, else every kept day. */
  protected span(date: string | undefined): string[] {
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
}
