// Telemetry as a plugin: app.use(telemetry(...)) records every response the app sends, with its
// final status and the time since the request arrived, whatever the middleware order.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { harpia, isPlugin, MemoryStore, Router } from "@harpia/core";
import { Telemetry, telemetry } from "./telemetry";

const memory = () => new MemoryStore({ sweepIntervalSeconds: 0 });
const TOKEN = "plugin-test-token-1";

let publicDir: string;
beforeAll(async () => {
  publicDir = await mkdtemp(path.join(tmpdir(), "telemetry-static-"));
  await writeFile(path.join(publicDir, "logo.txt"), "a static file");
});
afterAll(async () => {
  await rm(publicDir, { recursive: true, force: true });
});

/** The status and response time recorded for each path (one visitor: "unknown", no proxy). */
async function recorded(stats: Telemetry): Promise<Record<string, { status: number; responseTime: number }>> {
  await stats.settled();
  const visitor = (await stats.getVisitors({ token: TOKEN })).unknown;
  const out: Record<string, { status: number; responseTime: number }> = {};
  for (const visit of visitor?.visits ?? []) out[visit.path] = visit;
  return out;
}

describe("app.use(telemetry())", () => {
  test("is a plugin named @harpia/telemetry whose value is the reading API", () => {
    const stats = telemetry({ store: memory() });
    expect(stats).toBeInstanceOf(Telemetry);
    expect(isPlugin(stats)).toBe(true);
    expect(isPlugin(new Telemetry())).toBe(true);
    const app = harpia();
    app.use(stats);
    expect(app.hasPlugin("@harpia/telemetry")).toBe(true);
    expect(typeof stats.summary).toBe("function");
  });

  test("records 404s, static files, errors and answers of earlier middleware with their final status", async () => {
    const stats = telemetry({ store: memory(), accessToken: TOKEN, maxVisitsPerIp: 50 });
    const app = harpia({ logErrors: false });
    // Registered BEFORE telemetry: a middleware (or hook) answering on its own, one throwing,
    // and a slow one. Telemetry sees them all because it records from hooks, not from its place
    // in the middleware chain.
    app.addHook("onRequest", (req, res) => {
      if (req.path === "/maintenance") res.status(503).send("down for maintenance");
    });
    app.use((req, res, next) => {
      if (req.path === "/limited") return res.status(429).send("slow down");
      if (req.path === "/guarded") throw new Error("auth backend down");
      return next();
    });
    app.use(async (req, _res, next) => {
      if (req.path === "/behind-slow-auth") await Bun.sleep(60);
      return next();
    });
    app.use(stats);
    app.static(publicDir);
    app.get("/ok", () => "ok");
    app.get("/behind-slow-auth", () => "ok");
    app.get("/boom", () => {
      throw new Error("handler failed");
    });
    // The route returns fine; building the JSON response fails (a BigInt): the client gets a 500.
    app.get("/bigint", () => ({ id: 1n }));
    app.post("/json", (req) => req.body);

    const sent: Record<string, number> = {};
    const ask = async (target: string, init?: RequestInit) => {
      sent[target] = (await app.request(target, init)).status;
    };
    await ask("/ok");
    await ask("/logo.txt");
    await ask("/nowhere");
    await ask("/boom");
    await ask("/bigint");
    await ask("/limited");
    await ask("/guarded");
    await ask("/maintenance");
    await ask("/behind-slow-auth");
    await ask("/json", { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" });
    expect(sent).toEqual({
      "/ok": 200,
      "/logo.txt": 200,
      "/nowhere": 404,
      "/boom": 500,
      "/bigint": 500,
      "/limited": 429,
      "/guarded": 500,
      "/maintenance": 503,
      "/behind-slow-auth": 200,
      "/json": 400,
    });

    const visits = await recorded(stats);
    const statuses = Object.fromEntries(Object.entries(visits).map(([p, v]) => [p, v.status]));
    expect(statuses).toEqual(sent);
    // Timed from the request's arrival, so the slow middleware before telemetry counts.
    expect(visits["/behind-slow-auth"]!.responseTime).toBeGreaterThanOrEqual(50);
    const errors = await stats.getErrors({ token: TOKEN });
    expect(errors.find((e) => e.path === "/guarded")!.error).toEqual({
      code: 500,
      message: "auth backend down",
    });
    expect(errors.find((e) => e.path === "/nowhere")!.error.code).toBe(404);
    expect(await stats.countErrors({ token: TOKEN })).toBe(7);
  });

  test("installs once per app: app.use(stats) and app.use(stats.middleware()) record each request once", async () => {
    const stats = telemetry({ store: memory(), accessToken: TOKEN });
    const app = harpia();
    app.use(stats);
    app.use(stats.middleware()); // the older spelling: the same plugin, already installed
    app.use(stats);
    app.get("/", () => "home");
    await app.request("/");
    await stats.settled();
    expect((await stats.summary({ token: TOKEN })).totalRequests).toBe(1);
  });

  test("the older app.use(telemetry.middleware()) alone installs it", async () => {
    const stats = new Telemetry({ store: memory(), accessToken: TOKEN });
    const app = harpia();
    app.use(stats.middleware());
    expect(app.hasPlugin("@harpia/telemetry")).toBe(true);
    expect((await app.request("/missing")).status).toBe(404);
    expect((await recorded(stats))["/missing"]!.status).toBe(404);
  });

  test("on a router it is refused: telemetry records the whole app", () => {
    const stats = telemetry({ store: memory() });
    expect(() => Router().use(stats)).toThrow(/app\.use\(\)/);
  });

  test("skip(req) and req.state.telemetrySkip leave a request out", async () => {
    const stats = telemetry({ store: memory(), accessToken: TOKEN });
    const app = harpia();
    app.use(stats);
    app.use((req, _res, next) => {
      if (req.path === "/internal") req.state.telemetrySkip = true;
      return next();
    });
    app.get("/private", (req) => {
      stats.skip(req);
      return "not counted";
    });
    app.get("/internal", () => "not counted either");
    app.get("/public", () => "counted");
    for (const target of ["/private", "/internal", "/public"]) await app.request(target);
    expect(Object.keys(await recorded(stats))).toEqual(["/public"]);
  });
});

describe("the dashboard option", () => {
  test("serves the dashboard at `path`, guarded, and does not record its own requests", async () => {
    const stats = telemetry({
      store: memory(),
      accessToken: TOKEN,
      dashboard: { path: "/ops/stats", title: "Ops" },
    });
    const app = harpia();
    app.use(stats);
    app.get("/", () => "home");
    await app.request("/");
    expect((await app.request("/ops/stats?format=json")).status).toBe(401);
    const page = await app.request("/ops/stats", {
      headers: { authorization: `Bearer ${TOKEN}`, accept: "text/html" },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Ops</title>");
    const json = await app.request("/ops/stats?format=json", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(((await json.json()) as { topPages: unknown }).topPages).toEqual([{ path: "/", views: 1 }]);
    expect(Object.keys(await recorded(stats))).toEqual(["/"]);
  });

  test("defaults to /admin/telemetry", async () => {
    const app = harpia();
    app.use(telemetry({ store: memory(), allowedIps: ["127.0.0.1"], dashboard: {} }));
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const response = await fetch(new URL("/admin/telemetry?format=json", server.url));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ retentionDays: 30 });
    } finally {
      await app.close();
    }
  });

  test("is checked when telemetry is made, with errors naming the option", () => {
    expect(() => telemetry({ dashboard: {} })).toThrow(/`dashboard` option needs `accessToken`/);
    expect(() => telemetry({ dashboard: { allowUnguarded: true } })).not.toThrow();
    expect(() => telemetry({ accessToken: TOKEN, dashboard: { path: "stats" } })).toThrow(/dashboard\.path/);
    expect(() => telemetry({ accessToken: TOKEN, dashboard: "/stats" as never })).toThrow(
      /`dashboard` must be/,
    );
    expect(() => telemetry({ accessToken: TOKEN, dashboard: { slowThreshold: -1 } })).toThrow(
      /slowThreshold/,
    );
  });

  test("telemetry.dashboard() still mounts it by hand", async () => {
    const stats = telemetry({ store: memory(), accessToken: TOKEN });
    const app = harpia();
    app.use(stats);
    app.get("/custom", stats.dashboard());
    const response = await app.request("/custom?format=json", { headers: { "x-telemetry-token": TOKEN } });
    expect(response.status).toBe(200);
  });
});
