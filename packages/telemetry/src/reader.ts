import type { AtomicStore } from "@harpia/core";
import { HISTOGRAM_BOUNDS, type Layout } from "./layout";
import type {
  DailyStats,
  ErrorEntry,
  PageStats,
  PageViews,
  ResponseTimeBucket,
  SlowRequest,
  VisitData,
  VisitorRecord,
} from "./types";

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [field, count] of Object.entries(source)) target[field] = (target[field] ?? 0) + count;
}

/** Sorted by views (descending), then path. */
export function rankPages(views: Record<string, number>, limit: number): PageViews[] {
  return Object.entries(views)
    .map(([path, count]) => ({ path, views: count }))
    .sort((a, b) => b.views - a.views || (a.path < b.path ? -1 : 1))
    .slice(0, limit);
}

/**
 * Reading queries, unguarded (the `Telemetry` facade checks access first). Every query takes
 * the days it covers; totals over several days are sums of each day's counters.
 */
export class Reader {
  constructor(
    private readonly store: AtomicStore,
    private readonly layout: Layout,
    private readonly maxVisitorsKeys: number,
  ) {}

  private async number(key: string): Promise<number> {
    const value = await this.store.get(key);
    return typeof value === "number" ? value : 0;
  }

  private async sum(dates: string[], key: (date: string) => string): Promise<number> {
    const values = await Promise.all(dates.map((date) => this.number(key(date))));
    return values.reduce((total, n) => total + n, 0);
  }

  private async sumHashes(dates: string[], key: (date: string) => string): Promise<Record<string, number>> {
    const hashes = await Promise.all(dates.map((date) => this.store.hashGetAll(key(date))));
    const out: Record<string, number> = {};
    for (const hash of hashes) addInto(out, hash);
    return out;
  }

  totalRequests(dates: string[]): Promise<number> {
    return this.sum(dates, (d) => this.layout.requests(d));
  }

  countErrors(dates: string[]): Promise<number> {
    return this.sum(dates, (d) => this.layout.errorCount(d));
  }

  /** Visitors kept that day (the slot counter, which never exceeds the cap once settled). */
  async uniqueVisitors(date: string): Promise<number> {
    return Math.min(Math.max(0, await this.number(this.layout.visitorSlots(date))), this.maxVisitorsKeys);
  }

  async avgResponseTime(dates: string[]): Promise<number> {
    const [requests, micros] = await Promise.all([
      this.totalRequests(dates),
      this.sum(dates, (d) => this.layout.responseMicros(d)),
    ]);
    return requests === 0 ? 0 : round(micros / requests / 1000);
  }

  pageViews(dates: string[]): Promise<Record<string, number>> {
    return this.sumHashes(dates, (d) => this.layout.views(d));
  }

  trafficSources(dates: string[]): Promise<Record<string, number>> {
    return this.sumHashes(dates, (d) => this.layout.sources(d));
  }

  async dailyStats(dates: string[]): Promise<DailyStats[]> {
    const days = await Promise.all(
      dates.map(async (date): Promise<DailyStats> => {
        const [totalRequests, uniqueVisitors, micros, totalErrors, untrackedRequests] = await Promise.all([
          this.number(this.layout.requests(date)),
          this.uniqueVisitors(date),
          this.number(this.layout.responseMicros(date)),
          this.number(this.layout.errorCount(date)),
          this.number(this.layout.untracked(date)),
        ]);
        const avgResponseTime = totalRequests === 0 ? 0 : round(micros / totalRequests / 1000);
        return { date, totalRequests, uniqueVisitors, avgResponseTime, totalErrors, untrackedRequests };
      }),
    );
    return days.filter((day) => day.totalRequests > 0).sort((a, b) => (a.date < b.date ? -1 : 1));
  }

  /** The kept visitors of the given days, as `[date, ip]` pairs (one SCAN of the store). */
  async visitorsOf(dates: string[]): Promise<{ date: string; ip: string }[]> {
    const prefix = dates.length === 1 ? this.layout.visitorPrefix(dates[0]!) : this.layout.days;
    const wanted = new Set(dates);
    const out: { date: string; ip: string }[] = [];
    for (const key of await this.store.keys(prefix)) {
      const parsed = this.layout.parseVisitor(key);
      if (parsed && wanted.has(parsed.date)) out.push(parsed);
    }
    return out.sort((a, b) => (a.date === b.date ? (a.ip < b.ip ? -1 : 1) : a.date < b.date ? 1 : -1));
  }

  async visitor(date: string, ip: string): Promise<VisitorRecord | undefined> {
    const [totalRequests, visits] = await Promise.all([
      this.store.get<number>(this.layout.visitor(date, ip)),
      this.store.listRange<VisitData>(this.layout.visits(date, ip)),
    ]);
    if (typeof totalRequests !== "number") return undefined;
    return { totalRequests, visits };
  }

  async visitors(date: string): Promise<Record<string, VisitorRecord>> {
    const entries = await Promise.all(
      (await this.visitorsOf([date])).map(async ({ ip }) => [ip, await this.visitor(date, ip)] as const),
    );
    const out: Record<string, VisitorRecord> = {};
    for (const [ip, record] of entries) if (record) out[ip] = record;
    return out;
  }

  /** Every kept visit of the given days, with its visitor's IP. */
  private async visitsOf(dates: string[]): Promise<{ ip: string; visit: VisitData }[]> {
    const lists = await Promise.all(
      (await this.visitorsOf(dates)).map(async ({ date, ip }) => ({
        ip,
        visits: await this.store.listRange<VisitData>(this.layout.visits(date, ip)),
      })),
    );
    return lists.flatMap(({ ip, visits }) => visits.map((visit) => ({ ip, visit })));
  }

  async slowRequests(dates: string[], threshold: number, limit: number): Promise<SlowRequest[]> {
    return (await this.visitsOf(dates))
      .filter(({ visit }) => visit.responseTime > threshold)
      .map(({ ip, visit }) => ({
        ip,
        path: visit.path,
        method: visit.method,
        status: visit.status,
        timestamp: visit.timestamp,
        responseTime: visit.responseTime,
      }))
      .sort((a, b) => b.responseTime - a.responseTime)
      .slice(0, limit);
  }

  async errors(dates: string[], limit: number): Promise<ErrorEntry[]> {
    const lists = await Promise.all(
      dates.map((date) => this.store.listRange<ErrorEntry>(this.layout.errorLog(date))),
    );
    return lists
      .flat()
      .sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0))
      .slice(0, limit);
  }

  async page(dates: string[], path: string): Promise<PageStats> {
    const [views, micros, errors, visits] = await Promise.all([
      this.sumHashes(dates, (d) => this.layout.views(d)),
      this.sumHashes(dates, (d) => this.layout.pathMicros(d)),
      this.sumHashes(dates, (d) => this.layout.pathErrors(d)),
      this.visitsOf(dates),
    ]);
    const count = views[path] ?? 0;
    const visitors = new Set<string>();
    for (const { ip, visit } of visits) if (visit.path === path) visitors.add(ip);
    return {
      path,
      views: count,
      visitors: [...visitors].sort(),
      avgResponseTime: count === 0 ? 0 : round((micros[path] ?? 0) / count / 1000),
      errorCount: errors[path] ?? 0,
    };
  }

  async distribution(dates: string[]): Promise<ResponseTimeBucket[]> {
    const counts = await this.sumHashes(dates, (d) => this.layout.histogram(d));
    const buckets: ResponseTimeBucket[] = [];
    let lower = 0;
    for (const bound of HISTOGRAM_BOUNDS) {
      buckets.push({ label: `${lower}–${bound} ms`, below: bound, count: counts[`lt${bound}`] ?? 0 });
      lower = bound;
    }
    buckets.push({ label: `≥ ${lower} ms`, below: null, count: counts[`ge${lower}`] ?? 0 });
    return buckets;
  }
}
