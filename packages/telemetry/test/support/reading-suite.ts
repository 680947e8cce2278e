// Every reading call, on a recorded scenario, run once per store (MemoryStore and RedisStore).
import { beforeAll, describe, expect, test } from "bun:test";
import type { AtomicStore, Harpia } from "@harpia/core";
import type { Telemetry } from "../../src/telemetry";
import { ManualClock, siteWithTelemetry, visit } from "./test-support";

const DAY1 = "2023-10-24";
const DAY2 = "2023-10-25";
const A = "192.168.1.1";
const B = "10.0.0.5";
const C = "2001:db8::7";

/** Runs the reading-API suite on stores made by `create`. */
export function describeReadingApi(name: string, create: () => AtomicStore): void {
  describe(`reading API on ${name}`, () => {
    const clock = new ManualClock(new Date(`${DAY1}T10:00:00Z`));
    let app: Harpia;
    let telemetry: Telemetry;

    beforeAll(async () => {
      ({ app, telemetry } = siteWithTelemetry(create(), {
        ignore: ["/healthcheck", "/assets/*"],
        clock: clock.now,
      }));
      // Day 1: A views / twice, B views /about.
      await visit(app, "/", A);
      await visit(app, "/", A);
      await visit(app, "/about", B);
      await telemetry.settled();
      // Day 2.
      clock.set(`${DAY2}T14:00:00Z`);
      await visit(app, "/home?utm_source=google&utm_medium=cpc&utm_campaign=fall", A);
      await visit(app, "/home?utm_source=google&utm_medium=organic", B);
      await visit(app, "/pricing", C);
      await visit(app, "/pricing/", C);
      await visit(app, "/boom", C);
      await visit(app, "/slow", C);
      await visit(app, "/nowhere", B);
      await visit(app, "/about", B, { referer: "https://news.example.org/item?id=1" });
      await visit(app, "/about", B, { referer: "http://localhost/home" });
      await visit(app, "/healthcheck", A);
      await visit(app, "/assets/app.js", A);
      await visit(app, "/healthcheck-admin", A);
      await telemetry.settled();
    });

    test("summary: today by default, any day with `date`", async () => {
      const today = await telemetry.summary({ limit: 2 });
      expect(today).toEqual({
        date: DAY2,
        totalRequests: 10,
        uniqueVisitors: 3,
        topPages: [
          { path: "/about", views: 2 },
          { path: "/home", views: 2 },
        ],
        avgResponseTime: expect.any(Number),
        totalErrors: 2,
      });
      expect(today.avgResponseTime).toBeGreaterThan(10);
      const day1 = await telemetry.summary({ date: DAY1 });
      expect(day1).toMatchObject({ date: DAY1, totalRequests: 3, uniqueVisitors: 2, totalErrors: 0 });
      expect(day1.topPages).toEqual([
        { path: "/", views: 2 },
        { path: "/about", views: 1 },
      ]);
    });

    test("ignore rules skip exact paths and subtrees, and nothing more", async () => {
      const views = await telemetry.getPageViews({ date: DAY2 });
      expect(views["/healthcheck"]).toBeUndefined();
      expect(views["/assets/app.js"]).toBeUndefined();
      expect(views["/healthcheck-admin"]).toBe(1);
    });

    test("getDailyStats: one entry per day, oldest first", async () => {
      const days = await telemetry.getDailyStats();
      expect(
        days.map(({ date, totalRequests, uniqueVisitors, totalErrors }) => ({
          date,
          totalRequests,
          uniqueVisitors,
          totalErrors,
        })),
      ).toEqual([
        { date: DAY1, totalRequests: 3, uniqueVisitors: 2, totalErrors: 0 },
        { date: DAY2, totalRequests: 10, uniqueVisitors: 3, totalErrors: 2 },
      ]);
    });

    test("getVisitors and getVisitorByIp", async () => {
      const visitors = await telemetry.getVisitors({ date: DAY1 });
      expect(Object.keys(visitors).sort()).toEqual([B, A].sort());
      expect(visitors[A]!.totalRequests).toBe(2);
      expect(visitors[A]!.visits).toEqual([
        {
          path: "/",
          method: "GET",
          status: 200,
          timestamp: `${DAY1}T10:00:00.000Z`,
          responseTime: expect.any(Number),
          error: null,
        },
        {
          path: "/",
          method: "GET",
          status: 200,
          timestamp: `${DAY1}T10:00:00.000Z`,
          responseTime: expect.any(Number),
          error: null,
        },
      ]);
      const c = await telemetry.getVisitorByIp({ ip: C });
      expect(c!.totalRequests).toBe(4);
      expect(c!.visits.map((v) => v.path)).toEqual(["/slow", "/boom", "/pricing", "/pricing"]);
      expect(c!.visits[1]!.error).toEqual({ code: 500, message: "Payment gateway timeout" });
      const a = await telemetry.getVisitorByIp({ ip: A, date: DAY2 });
      expect(a!.visits.map((v) => v.path)).toEqual(["/healthcheck-admin", "/home"]);
      expect(a!.visits[1]!.trafficSource).toEqual({
        utm: { source: "google", medium: "cpc", campaign: "fall" },
      });
      expect(await telemetry.getVisitorByIp({ ip: "203.0.113.9" })).toBeUndefined();
    });

    test("countUniqueVisitors", async () => {
      expect(await telemetry.countUniqueVisitors()).toBe(3);
      expect(await telemetry.countUniqueVisitors({ date: DAY1 })).toBe(2);
      expect(await telemetry.countUniqueVisitors({ date: "2023-01-01" })).toBe(0);
    });

    test("getPageViews and getTopPages: every kept day unless a date is given", async () => {
      expect(await telemetry.getPageViews()).toEqual({
        "/": 2,
        "/about": 3,
        "/home": 2,
        "/pricing": 2,
        "/boom": 1,
        "/slow": 1,
        "/nowhere": 1,
        "/healthcheck-admin": 1,
      });
      expect(await telemetry.getTopPages({ limit: 2 })).toEqual([
        { path: "/about", views: 3 },
        { path: "/", views: 2 },
      ]);
      expect(await telemetry.getTopPages({ limit: 1, date: DAY1 })).toEqual([{ path: "/", views: 2 }]);
    });

    test("getPageByPath", async () => {
      const pricing = await telemetry.getPageByPath({ path: "/pricing/" });
      expect(pricing).toEqual({
        path: "/pricing",
        views: 2,
        visitors: [C],
        avgResponseTime: expect.any(Number),
        errorCount: 0,
      });
      const boom = await telemetry.getPageByPath({ path: "/boom" });
      expect(boom.errorCount).toBe(1);
      const about = await telemetry.getPageByPath({ path: "/about" });
      expect(about.visitors).toEqual([B]);
      expect(about.views).toBe(3);
      expect(await telemetry.getPageByPath({ path: "/never" })).toEqual({
        path: "/never",
        views: 0,
        visitors: [],
        avgResponseTime: 0,
        errorCount: 0,
      });
    });

    test("getAvgResponseTime and the distribution", async () => {
      const overall = await telemetry.getAvgResponseTime();
      const day2 = await telemetry.getAvgResponseTime({ date: DAY2 });
      expect(day2).toBeGreaterThan(overall); // the slow request is on day 2
      expect(overall).toBeGreaterThan(0);
      const buckets = await telemetry.getResponseTimeDistribution();
      expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(13);
      expect(buckets.find((b) => b.below === 250)!.count).toBeGreaterThanOrEqual(1);
    });

    test("getSlowRequests: slowest first, only above the threshold", async () => {
      const slow = await telemetry.getSlowRequests({ threshold: 100 });
      expect(slow.length).toBeGreaterThanOrEqual(1);
      expect(slow[0]).toMatchObject({
        ip: C,
        path: "/slow",
        method: "GET",
        status: 200,
        timestamp: `${DAY2}T14:00:00.000Z`,
      });
      expect(slow.every((entry) => entry.responseTime > 100)).toBe(true);
      expect(await telemetry.getSlowRequests({ threshold: 100, date: DAY1 })).toEqual([]);
    });

    test("getErrors and countErrors", async () => {
      const errors = await telemetry.getErrors();
      expect(errors.map((e) => [e.ip, e.path, e.error.code])).toEqual(
        expect.arrayContaining([
          [C, "/boom", 500],
          [B, "/nowhere", 404],
        ]),
      );
      expect(errors.find((e) => e.path === "/boom")!.error.message).toBe("Payment gateway timeout");
      expect(await telemetry.countErrors()).toBe(2);
      expect(await telemetry.countErrors({ date: DAY1 })).toBe(0);
    });

    test("getTrafficSources: UTM source/medium and external referrers, filterable by source", async () => {
      expect(await telemetry.getTrafficSources()).toEqual({
        "google/cpc": 1,
        "google/organic": 1,
        "news.example.org/referral": 1,
      });
      expect(await telemetry.getTrafficSources({ source: "google" })).toEqual({
        "google/cpc": 1,
        "google/organic": 1,
      });
    });

    test("getAll: the seed's raw layout", async () => {
      const all = await telemetry.getAll();
      expect(all.access.totalRequests).toBe(13);
      expect(Object.keys(all.access.visitorsByDate).sort()).toEqual([DAY1, DAY2]);
      expect(all.access.visitorsByDate[DAY2]![C]!.totalRequests).toBe(4);
      expect(all.behavior.pageViews["/about"]).toBe(3);
    });

    test("bad arguments are 400s with a clear message", async () => {
      await expect(telemetry.summary({ date: "2023-02-30" })).rejects.toMatchObject({ status: 400 });
      await expect(telemetry.getTopPages({ limit: 0 })).rejects.toMatchObject({ status: 400 });
      await expect(telemetry.getSlowRequests({ threshold: -1 })).rejects.toMatchObject({ status: 400 });
      await expect(telemetry.getVisitorByIp({ ip: "<script>" })).rejects.toMatchObject({ status: 400 });
      await expect(telemetry.getPageByPath({ path: "pricing" })).rejects.toMatchObject({ status: 400 });
      await expect(telemetry.delete({})).rejects.toMatchObject({ status: 400 });
    });

    test("delete: a visitor on one day, a visitor everywhere, a whole day; then flush", async () => {
      await telemetry.delete({ ip: B, date: DAY1 });
      expect(await telemetry.getVisitorByIp({ ip: B, date: DAY1 })).toBeUndefined();
      expect(await telemetry.getVisitorByIp({ ip: B, date: DAY2 })).toBeDefined();
      await telemetry.delete({ ip: B });
      expect(await telemetry.getVisitorByIp({ ip: B, date: DAY2 })).toBeUndefined();
      expect((await telemetry.getErrors()).some((e) => e.ip === B)).toBe(false);
      expect((await telemetry.getErrors()).some((e) => e.ip === C)).toBe(true);
      expect(await telemetry.countUniqueVisitors()).toBe(2);
      // Aggregates keep counting the erased requests.
      expect((await telemetry.summary()).totalRequests).toBe(10);
      await telemetry.delete({ date: DAY1 });
      expect((await telemetry.getDailyStats()).map((d) => d.date)).toEqual([DAY2]);
      await telemetry.flush();
      expect(await telemetry.getDailyStats()).toEqual([]);
      expect(await telemetry.getPageViews()).toEqual({});
    });
  });
}
