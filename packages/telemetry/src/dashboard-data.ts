import type { DashboardData } from "./dashboard";
import { dayOf, lastDays } from "./layout";
import { type Reader, rankPages } from "./reader";

/** What the dashboard's data is gathered from. */
export interface DashboardDataSource {
  reader: Reader;
  clock: () => Date;
  retentionDays: number;
  /** Requests not recorded so far (see `droppedRecords`). */
  dropped: () => number;
}

/** Everything the dashboard shows, read in one round of parallel queries. */
export async function collectDashboardData(
  { reader, clock, retentionDays, dropped }: DashboardDataSource,
  slowThreshold: number,
): Promise<DashboardData> {
  const now = clock();
  const today = dayOf(now);
  const all = lastDays(now, retentionDays);
  const [daily, views, todayViews, distribution, slow, errors, sources, uniqueToday] = await Promise.all([
    reader.dailyStats(all),
    reader.pageViews(all),
    reader.pageViews([today]),
    reader.distribution(all),
    reader.slowRequests(all, slowThreshold, 20),
    reader.errors(all, 20),
    reader.trafficSources(all),
    reader.uniqueVisitors(today),
  ]);
  return {
    generatedAt: now.toISOString(),
    today,
    retentionDays,
    uniqueVisitorsToday: uniqueToday,
    topPagesToday: rankPages(todayViews, 10),
    daily,
    topPages: rankPages(views, 10),
    distribution,
    slowThreshold,
    slow,
    errors,
    sources: rankPages(sources, 10).map(({ path, views: count }) => ({ source: path, visits: count })),
    droppedRecords: dropped(),
  };
}
