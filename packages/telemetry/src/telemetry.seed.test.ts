// The seed's Telemetry section, call by call, with the import renamed to @harpia/telemetry.
// The one change an app makes is the setup: `app.use(telemetry)` (a Telemetry is a plugin)
// replaces `initialize()` + `handleRequest()` (which throw, see telemetry.test.ts); UTM
// parameters are read from the URL. Every reading call below is written as in the seed.
import { beforeAll, describe, expect, test } from "bun:test";
import { harpia, MemoryStore } from "@harpia/core";
import { ManualClock } from "../test/support/test-support";
import { Telemetry } from "./telemetry";

describe("seed: Telemetry", () => {
  const token = "seed-telemetry-token";
  const callerIp = "127.0.0.1";
  const clock = new ManualClock(new Date("2023-10-25T14:00:00.000Z"));
  const telemetry = new Telemetry({
    ignore: ["/favicon.ico", "/healthcheck"], // Paths to exclude from monitoring
    accessToken: token,
    allowedIps: ["127.0.0.1", "10.0.0.5"],
    store: new MemoryStore({ sweepIntervalSeconds: 0 }),
    clock: clock.now,
  });
  // The seed's `trustProxy: true` on Telemetry is ignored (with a warning): the app's setting
  // decides `req.ip` for every package (see docs/migrating-from-harpiats.md).
  const app = harpia({ logErrors: false, trustProxy: true });
  app.use(telemetry);
  for (const path of ["/home", "/about", "/pricing", "/favicon.ico", "/healthcheck"])
    app.get(path, () => "ok");
  app.get("/checkout", async () => {
    await Bun.sleep(30);
    throw new Error("Payment gateway timeout");
  });
  const visit = (path: string, ip: string) => app.request(path, { headers: { "x-forwarded-for": ip } });

  beforeAll(async () => {
    await visit("/home?utm_source=google&utm_medium=cpc", "192.168.1.1");
    await visit("/about", "192.168.1.1");
    await visit("/home?utm_source=google&utm_medium=organic", "10.0.0.5");
    await visit("/pricing", "10.0.0.5");
    await visit("/checkout", "10.0.0.5");
    await visit("/favicon.ico", "10.0.0.5");
    await visit("/healthcheck", "10.0.0.5");
    await telemetry.settled();
  });

  test("read methods need the token and an allowed IP", async () => {
    await expect(telemetry.summary({ token: "wrong", callerIp })).rejects.toMatchObject({ status: 401 });
    await expect(telemetry.summary({ token, callerIp: "192.168.1.1" })).rejects.toMatchObject({
      status: 403,
    });
  });

  test("getAll, summary, getDailyStats", async () => {
    const data = await telemetry.getAll({ token, callerIp });
    expect(data.access.totalRequests).toBe(5);
    expect(Object.keys(data.access.visitorsByDate["2023-10-25"]!).sort()).toEqual([
      "10.0.0.5",
      "192.168.1.1",
    ]);
    expect(data.behavior.pageViews).toEqual({ "/home": 2, "/about": 1, "/pricing": 1, "/checkout": 1 });

    const stats = await telemetry.summary({ limit: 5, token, callerIp });
    expect(stats).toMatchObject({ date: "2023-10-25", totalRequests: 5, uniqueVisitors: 2, totalErrors: 1 });
    expect(stats.topPages[0]).toEqual({ path: "/home", views: 2 });

    const daily = await telemetry.getDailyStats({ token, callerIp });
    expect(daily).toEqual([
      expect.objectContaining({ date: "2023-10-25", totalRequests: 5, uniqueVisitors: 2 }),
    ]);
  });

  test("getVisitors, getVisitorByIp, countUniqueVisitors", async () => {
    const visitors = await telemetry.getVisitors({ date: "2023-10-25", token, callerIp });
    expect(Object.keys(visitors).sort()).toEqual(["10.0.0.5", "192.168.1.1"]);
    const visitor = await telemetry.getVisitorByIp({ ip: "192.168.1.1", token, callerIp });
    expect(visitor!.totalRequests).toBe(2);
    expect(visitor!.visits.map((v) => v.path)).toEqual(["/about", "/home"]);
    expect(await telemetry.countUniqueVisitors({ token, callerIp })).toBe(2);
  });

  test("getPageViews, getTopPages, getPageByPath, getAvgResponseTime", async () => {
    const views = await telemetry.getPageViews({ date: "2023-10-25", token, callerIp });
    expect(views).toEqual({ "/home": 2, "/about": 1, "/pricing": 1, "/checkout": 1 });
    const top5 = await telemetry.getTopPages({ limit: 5, token, callerIp });
    expect(top5[0]).toEqual({ path: "/home", views: 2 });
    const page = await telemetry.getPageByPath({ path: "/pricing", token, callerIp });
    expect(page).toMatchObject({ path: "/pricing", views: 1, visitors: ["10.0.0.5"], errorCount: 0 });
    const avg = await telemetry.getAvgResponseTime({ token, callerIp });
    expect(avg).toBeGreaterThan(0);
  });

  test("getSlowRequests, getErrors, countErrors, getTrafficSources", async () => {
    const slow = await telemetry.getSlowRequests({ threshold: 20, token, callerIp });
    expect(slow).toEqual([
      expect.objectContaining({
        ip: "10.0.0.5",
        path: "/checkout",
        timestamp: "2023-10-25T14:00:00.000Z",
        responseTime: expect.any(Number),
      }),
    ]);
    const errors = await telemetry.getErrors({ token, callerIp });
    expect(errors).toEqual([
      expect.objectContaining({
        ip: "10.0.0.5",
        path: "/checkout",
        error: { code: 500, message: "Payment gateway timeout" },
      }),
    ]);
    expect(await telemetry.countErrors({ token, callerIp })).toBe(1);
    const sources = await telemetry.getTrafficSources({ source: "google", token, callerIp });
    expect(sources).toEqual({ "google/cpc": 1, "google/organic": 1 });
  });

  test("delete (by date, by IP, both) and flush", async () => {
    // Delete data for a specific IP on a specific date
    await telemetry.delete({ ip: "192.168.1.1", date: "2023-10-25", token, callerIp });
    expect(await telemetry.getVisitorByIp({ ip: "192.168.1.1", token, callerIp })).toBeUndefined();
    // Delete all data for a specific IP across all dates
    await telemetry.delete({ ip: "10.0.0.5", token, callerIp });
    expect(await telemetry.countUniqueVisitors({ token, callerIp })).toBe(0);
    // Delete all data for a specific date
    await telemetry.delete({ date: "2023-10-25", token, callerIp });
    expect(await telemetry.getPageViews({ date: "2023-10-25", token, callerIp })).toEqual({});
    await telemetry.flush({ token, callerIp });
    expect((await telemetry.getAll({ token, callerIp })).access.totalRequests).toBe(0);
  });
});
