import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia, { type Harpia, Router, type ServerHandle } from "@harpia/core";
import { type Scrape, scrape } from "../test/support/scrape";
import { metrics, UNMATCHED_ROUTE } from "./index";

const TOKEN = "scrape-token-0123456789";
const REQUESTS = "http_requests_total";
const DURATION = "http_request_duration_seconds";

/** An app with the plugin and a few kinds of routes, listening on a free port. */
function start(): { app: Harpia; server: ServerHandle; base: string } {
  const app = harpia({ logErrors: false });
  app.use(metrics({ token: TOKEN, buckets: [0.02, 0.5, 5] }));
  app.get("/users/:id", (req) => ({ id: req.params.id }));
  app.post("/users", (_req, res) => res.status(201).json({ created: true }));
  app.get("/slow", async () => {
    await Bun.sleep(30);
    return "slow";
  });
  app.get("/boom", () => {
    throw new Error("broken");
  });
  app.get("/teapot", (_req, res) => res.status(418).send("short and stout"));
  const api = Router("/api");
  api.get("/items/:itemId/parts/:partId", (req) => req.params);
  app.use(api);
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  return { app, server, base: `http://127.0.0.1:${server.port}` };
}

describe("requests are counted by method, route pattern and status", () => {
  let app: Harpia;
  let base: string;
  let after: Scrape;

  beforeAll(async () => {
    ({ app, base } = start());
    for (const id of ["1", "2", "3"]) expect((await fetch(`${base}/users/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/users/1`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${base}/users`, { method: "POST" })).status).toBe(201);
    expect((await fetch(`${base}/api/items/7/parts/9`)).status).toBe(200);
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect((await fetch(`${base}/teapot`)).status).toBe(418);
    for (let i = 0; i < 2; i++) expect((await fetch(`${base}/slow`)).status).toBe(200);
    expect((await fetch(`${base}/users/1`, { method: "DELETE" })).status).toBe(405);
    after = await scrape(`${base}/metrics`, TOKEN);
  });

  afterAll(() => app.close());

  test("the route label is the pattern, never the raw path", () => {
    expect(after.value(REQUESTS, { method: "GET", route: "/users/:id", status: "200" })).toBe(3);
    expect(after.value(REQUESTS, { method: "HEAD", route: "/users/:id", status: "200" })).toBe(1);
    expect(after.value(REQUESTS, { method: "POST", route: "/users", status: "201" })).toBe(1);
    expect(
      after.value(REQUESTS, { method: "GET", route: "/api/items/:itemId/parts/:partId", status: "200" }),
    ).toBe(1);
    expect(after.labelValues(REQUESTS, "route")).not.toContain("/users/1");
    expect(after.text).not.toContain("/users/2");
    expect(after.text).not.toContain("/api/items/7");
  });

  test("errors and unusual statuses are counted with the status sent", () => {
    expect(after.value(REQUESTS, { method: "GET", route: "/boom", status: "500" })).toBe(1);
    expect(after.value(REQUESTS, { method: "GET", route: "/teapot", status: "418" })).toBe(1);
    expect(after.value(REQUESTS, { method: "DELETE", route: UNMATCHED_ROUTE, status: "405" })).toBe(1);
  });

  test("the duration histogram has one series per label set, with the configured buckets", () => {
    const users = after.histogram(DURATION, { method: "GET", route: "/users/:id", status: "200" });
    expect(users.count).toBe(3);
    expect([...users.buckets.keys()]).toEqual(["0.02", "0.5", "5", "+Inf"]);
    expect(users.buckets.get("+Inf")).toBe(3);
    const slow = after.histogram(DURATION, { method: "GET", route: "/slow", status: "200" });
    expect(slow.count).toBe(2);
    // Each took at least the 30 ms it slept: none fits the 20 ms bucket.
    expect(slow.buckets.get("0.02")).toBe(0);
    expect(slow.buckets.get("+Inf")).toBe(2);
    expect(slow.sum).toBeGreaterThanOrEqual(0.06);
    expect(after.family(DURATION).type).toBe("HISTOGRAM");
    expect(after.family(REQUESTS).type).toBe("COUNTER");
  });

  test("buckets are cumulative and counts match the counter", () => {
    const series = after.series(DURATION);
    expect(series.length).toBe(after.series(REQUESTS).length);
    for (const labels of series) {
      const { buckets, count } = after.histogram(DURATION, labels);
      const counts = [...buckets.values()];
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.at(-1)).toBe(count);
      expect(after.value(REQUESTS, labels)).toBe(count);
    }
  });

  test("the scrape counts itself under the metrics route", async () => {
    const again = await scrape(`${base}/metrics`, TOKEN);
    expect(again.value(REQUESTS, { method: "GET", route: "/metrics", status: "200" })).toBe(1);
  });
});

describe("label sets stay bounded", () => {
  let app: Harpia;
  let base: string;
  beforeAll(() => {
    ({ app, base } = start());
  });
  afterAll(() => app.close());

  test("a scan of random paths and methods adds no series", async () => {
    const before = await scrape(`${base}/metrics`, TOKEN);
    const methods = ["GET", "PURGE", "PROPFIND", "MKCOL", "GET"];
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${base}/scan/${crypto.randomUUID()}?q=${i}`, {
        method: methods[i % methods.length],
      });
      expect(res.status).toBe(404);
      await res.body?.cancel();
    }
    const after = await scrape(`${base}/metrics`, TOKEN);
    expect(after.value(REQUESTS, { method: "GET", route: UNMATCHED_ROUTE, status: "404" })).toBe(40);
    expect(after.value(REQUESTS, { method: "OTHER", route: UNMATCHED_ROUTE, status: "404" })).toBe(60);
    // Two series for a hundred distinct paths and four methods (plus the first scrape's own).
    expect(after.series(REQUESTS)).toHaveLength(before.series(REQUESTS).length + 3);
    expect(after.labelValues(REQUESTS, "method")).toEqual(["GET", "OTHER"]);
    expect(after.labelValues(REQUESTS, "route")).toEqual(["(unmatched)", "/metrics"]);
  });
});

describe("in-process requests", () => {
  test("app.request() is recorded too, without a server", async () => {
    const app = harpia({ logErrors: false });
    const plugin = metrics({ token: TOKEN, collectDefaultMetrics: false });
    app.use(plugin);
    app.get("/ping", () => "pong");
    await app.request("/ping");
    await app.request("/ping");
    const res = await app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(text).toContain('http_requests_total{method="GET",route="/ping",status="200"} 2');
    // Nothing is served by a server: no request is in flight on one.
    expect(text).toContain("http_requests_in_flight 0");
  });
});

describe("requests no route matched", () => {
  test("static files and answers of onRequest hooks are (unmatched), with their status", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harpia-metrics-"));
    writeFileSync(path.join(dir, "logo.txt"), "harpia");
    const app = harpia({ logErrors: false });
    app.use(metrics({ token: TOKEN, collectDefaultMetrics: false }));
    app.addHook("onRequest", (req, res) => {
      if (req.headers.has("x-blocked")) res.status(429).send("slow down");
    });
    app.static(dir);
    app.get("/items/:id", (req) => req.params.id);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect(await (await fetch(`${base}/logo.txt`)).text()).toBe("harpia");
      expect((await fetch(`${base}/items/1`, { headers: { "x-blocked": "1" } })).status).toBe(429);
      expect((await fetch(`${base}/items/2`)).status).toBe(200);
      const after = await scrape(`${base}/metrics`, TOKEN);
      expect(after.value(REQUESTS, { method: "GET", route: UNMATCHED_ROUTE, status: "200" })).toBe(1);
      expect(after.value(REQUESTS, { method: "GET", route: UNMATCHED_ROUTE, status: "429" })).toBe(1);
      expect(after.value(REQUESTS, { method: "GET", route: "/items/:id", status: "200" })).toBe(1);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
