import { describe, expect, test } from "bun:test";
import { HttpError, harpia, MemoryStore } from "@harpia/core";
import { RedisStore, StoreUnavailableError } from "@harpia/store-redis";
import { ManualClock, siteWithTelemetry, visit } from "../test/support/test-support";
import { Unauthorized } from "./access";
import { Telemetry } from "./telemetry";

const memory = () => new MemoryStore({ sweepIntervalSeconds: 0 });

describe("the seed's initialize/handleRequest form", () => {
  test("throws a TypeError pointing to app.use(telemetry)", () => {
    const telemetry = new Telemetry();
    expect(() => telemetry.initialize({}, "1.2.3.4")).toThrow(TypeError);
    expect(() => telemetry.initialize({}, "1.2.3.4")).toThrow(/app\.use\(telemetry\)/);
    expect(() => telemetry.handleRequest()).toThrow(/shared Telemetry instance/);
  });
});

describe("recording", () => {
  test("measures the handler's real time and records status and thrown errors", async () => {
    const { app, telemetry } = siteWithTelemetry(memory());
    app.get("/invalid", () => {
      throw new HttpError(422, "Email is invalid");
    });
    expect((await visit(app, "/slow", "1.1.1.1")).status).toBe(200);
    expect((await visit(app, "/invalid", "1.1.1.1")).status).toBe(422);
    await telemetry.settled();
    const { visits } = (await telemetry.getVisitorByIp({ ip: "1.1.1.1" }))!;
    expect(visits[0]).toMatchObject({
      path: "/invalid",
      status: 422,
      error: { code: 422, message: "Email is invalid" },
    });
    expect(visits[1]!.path).toBe("/slow");
    expect(visits[1]!.responseTime).toBeGreaterThanOrEqual(100);
  });

  test("concurrent requests each record their own data (no shared per-request state)", async () => {
    const { app, telemetry } = siteWithTelemetry(memory());
    const requests = Array.from({ length: 200 }, (_, i) => visit(app, `/p/${i % 5}`, `10.0.0.${i % 20}`));
    await Promise.all(requests);
    await telemetry.settled();
    expect((await telemetry.summary()).totalRequests).toBe(200);
    expect(await telemetry.countUniqueVisitors()).toBe(20);
    expect(await telemetry.getPageViews()).toEqual({
      "/p/0": 40,
      "/p/1": 40,
      "/p/2": 40,
      "/p/3": 40,
      "/p/4": 40,
    });
    const visitor = (await telemetry.getVisitorByIp({ ip: "10.0.0.3" }))!;
    expect(visitor.totalRequests).toBe(10);
    expect(new Set(visitor.visits.map((v) => v.path))).toEqual(new Set(["/p/3"]));
  });

  test("errorStatus: 500 records only server errors", async () => {
    const { app, telemetry } = siteWithTelemetry(memory(), { errorStatus: 500 });
    await visit(app, "/missing", "1.1.1.1");
    await visit(app, "/boom", "1.1.1.1");
    await telemetry.settled();
    expect(await telemetry.countErrors()).toBe(1);
    expect((await telemetry.getErrors())[0]!.error.code).toBe(500);
  });

  test("visitor IPs are req.ip: what the app's trustProxy believes", async () => {
    const store = memory();
    const cdn = siteWithTelemetry(store, { prefix: "a:" }, { trustProxy: { header: "cf-connecting-ip" } });
    await visit(cdn.app, "/", "203.0.113.1", { "cf-connecting-ip": "198.51.100.7" });
    await cdn.telemetry.settled();
    expect(Object.keys(await cdn.telemetry.getVisitors())).toEqual(["198.51.100.7"]);

    const hops = siteWithTelemetry(store, { prefix: "b:" }, { trustProxy: 1 });
    await visit(hops.app, "/", "198.51.100.1, 203.0.113.9");
    await hops.telemetry.settled();
    expect(Object.keys(await hops.telemetry.getVisitors())).toEqual(["203.0.113.9"]);

    const plain = siteWithTelemetry(store, { prefix: "c:" }, {});
    await visit(plain.app, "/", "198.51.100.1", { "cf-connecting-ip": "198.51.100.7" });
    await plain.telemetry.settled();
    // app.request has no socket and the app does not trust proxies: the IP is unknown.
    expect(Object.keys(await plain.telemetry.getVisitors())).toEqual(["unknown"]);
  });

  test("a failing store never affects responses; failures go to onError", async () => {
    const failures: unknown[] = [];
    const down = new RedisStore({ url: "redis://127.0.0.1:1" }, { logErrors: false, commandTimeout: 200 });
    const { app, telemetry } = siteWithTelemetry(down, { onError: (error) => failures.push(error) });
    const response = await visit(app, "/about", "1.1.1.1");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("page /about");
    await telemetry.settled();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toBeInstanceOf(StoreUnavailableError);
    await expect(telemetry.summary()).rejects.toMatchObject({ status: 503 });
    await down.close();
  });

  test("at most maxPending recordings are in flight; the rest are counted as dropped", async () => {
    const { app, telemetry } = siteWithTelemetry(memory(), { maxPending: 1 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => visit(app, "/", `10.1.0.${i}`)));
    await telemetry.settled();
    const recorded = (await telemetry.summary()).totalRequests;
    expect(recorded).toBeGreaterThanOrEqual(1);
    expect(recorded + telemetry.droppedRecords).toBe(20);
  });
});

describe("ignore rules", () => {
  test("a rule without a leading slash means the same path as with one (as in the seed)", async () => {
    const { app, telemetry } = siteWithTelemetry(memory(), { ignore: ["healthcheck", "assets/*"] });
    for (const path of ["/healthcheck", "/assets/app.js", "/healthcheck-admin", "/home"])
      await visit(app, path, "1.1.1.1");
    await telemetry.settled();
    expect(await telemetry.getPageViews()).toEqual({ "/healthcheck-admin": 1, "/home": 1 });
  });
});

describe("caps", () => {
  test("visitors, visits per IP, paths, sources and errors are bounded", async () => {
    const { app, telemetry } = siteWithTelemetry(memory(), {
      maxVisitorsKeys: 3,
      maxVisitsPerIp: 2,
      maxPaths: 2,
      maxSources: 1,
      maxErrorsPerDay: 2,
    });
    for (let i = 0; i < 5; i++) await visit(app, `/p/${i}?utm_source=s${i}`, `10.2.0.${i}`);
    for (let i = 0; i < 4; i++) await visit(app, "/boom", "10.2.0.0");
    await visit(app, `/${"x".repeat(5000)}`, "10.2.0.1");
    await telemetry.settled();

    expect(await telemetry.countUniqueVisitors()).toBe(3);
    expect(Object.keys(await telemetry.getVisitors()).sort()).toEqual(["10.2.0.0", "10.2.0.1", "10.2.0.2"]);
    expect((await telemetry.getDailyStats())[0]!.untrackedRequests).toBe(2);
    const first = (await telemetry.getVisitorByIp({ ip: "10.2.0.0" }))!;
    expect(first.totalRequests).toBe(5);
    expect(first.visits.length).toBe(2);
    expect(await telemetry.getPageViews()).toEqual({ "/p/0": 1, "/p/1": 1, "(other)": 8 });
    expect(await telemetry.getTrafficSources()).toEqual({ "s0/(none)": 1, "(other)": 4 });
    expect(await telemetry.countErrors()).toBe(5); // four 500s and the long path's 404
    expect((await telemetry.getErrors()).length).toBe(2);
    const long = (await telemetry.getVisitorByIp({ ip: "10.2.0.1" }))!.visits[0]!;
    expect(long.path.length).toBe(512);
  });

  test("days beyond retentionDays are not read (and expire in the store)", async () => {
    const clock = new ManualClock(new Date("2024-03-01T12:00:00Z"));
    const { app, telemetry } = siteWithTelemetry(memory(), { retentionDays: 2, clock: clock.now });
    await visit(app, "/", "1.1.1.1");
    await telemetry.settled();
    clock.set("2024-03-02T12:00:00Z");
    await visit(app, "/", "1.1.1.1");
    await telemetry.settled();
    expect((await telemetry.getDailyStats()).length).toBe(2);
    clock.set("2024-03-03T12:00:00Z");
    expect((await telemetry.getDailyStats()).map((d) => d.date)).toEqual(["2024-03-02"]);
  });

  test("options are validated", () => {
    expect(() => new Telemetry({ maxVisitorsKeys: 0 })).toThrow(RangeError);
    expect(() => new Telemetry({ retentionDays: 1000 })).toThrow(/retentionDays/);
    expect(() => new Telemetry({ ignore: [""] })).toThrow(/ignore rules are paths or RegExps/);
    expect(() => new Telemetry({ ignore: [42 as never] })).toThrow(TypeError);
    expect(() => new Telemetry({ accessToken: "short" })).toThrow(/at least 8/);
    expect(() => new Telemetry({ allowedIps: ["not-an-ip"] })).toThrow(/not an IP/);
    expect(() => new Telemetry({ store: new Map() as never })).toThrow(/AtomicStore/);
  });
});

describe("access to the reading API", () => {
  const token = "s3cret-token-value";

  test("a token is required and compared exactly", async () => {
    const telemetry = new Telemetry({ store: memory(), accessToken: token });
    await expect(telemetry.summary()).rejects.toBeInstanceOf(Unauthorized);
    await expect(telemetry.summary({ token: "wrong" })).rejects.toMatchObject({ status: 401 });
    await expect(telemetry.summary({ token: `${token}x` })).rejects.toMatchObject({ status: 401 });
    await expect(telemetry.flush({ token: "nope" })).rejects.toBeInstanceOf(Unauthorized);
    expect((await telemetry.summary({ token })).totalRequests).toBe(0);
  });

  test("allowedIps takes addresses and IPv4 ranges; anyone else gets 403", async () => {
    const telemetry = new Telemetry({ store: memory(), allowedIps: ["127.0.0.1", "10.0.0.0/8", "::1"] });
    expect(await telemetry.countErrors({ callerIp: "127.0.0.1" })).toBe(0);
    expect(await telemetry.countErrors({ callerIp: "::ffff:10.20.30.40" })).toBe(0);
    expect(await telemetry.countErrors({ callerIp: "::1" })).toBe(0);
    await expect(telemetry.countErrors({ callerIp: "11.0.0.1" })).rejects.toMatchObject({ status: 403 });
    await expect(telemetry.countErrors({})).rejects.toMatchObject({ status: 403 });
  });

  test("a route using the reading API answers 401/403, not 500", async () => {
    const telemetry = new Telemetry({ store: memory(), accessToken: token, allowedIps: ["10.0.0.1"] });
    const app = harpia({ trustProxy: true, logErrors: false });
    app.get("/stats", async (req) =>
      telemetry.summary({ token: req.header("x-token") ?? undefined, callerIp: req.ip }),
    );
    const ask = (ip: string, key?: string) =>
      app.request("/stats", { headers: { "x-forwarded-for": ip, ...(key ? { "x-token": key } : {}) } });
    expect((await ask("10.0.0.2", token)).status).toBe(403);
    const denied = await ask("10.0.0.1", "bad-token-123");
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("Bearer");
    expect((await ask("10.0.0.1", token)).status).toBe(200);
  });
});
