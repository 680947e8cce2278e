import { describe, expect, test } from "bun:test";
import harpia from "@harpia/core";
import { Counter, Registry } from "prom-client";
import { type MetricsOptions, metrics } from "./index";

const TOKEN = "scrape-token-0123456789";
const AUTH = { headers: { authorization: `Bearer ${TOKEN}` } };

describe("registries", () => {
  test("two apps in one process keep their own counts", async () => {
    const shop = harpia();
    const admin = harpia();
    shop.use(metrics({ token: TOKEN }));
    admin.use(metrics({ token: TOKEN }));
    shop.get("/cart", () => "cart");
    admin.get("/cart", () => "cart");
    for (let i = 0; i < 3; i++) await shop.request("/cart");
    await admin.request("/cart");
    const line = (text: string) =>
      text.split("\n").find((l) => l.startsWith('http_requests_total{method="GET",route="/cart"'));
    expect(line(await (await shop.request("/metrics", AUTH)).text())).toEndWith(" 3");
    expect(line(await (await admin.request("/metrics", AUTH)).text())).toEndWith(" 1");
  });

  test("metrics registered on plugin.registry are served with the rest", async () => {
    const app = harpia();
    const plugin = metrics({ token: TOKEN, collectDefaultMetrics: false });
    app.use(plugin);
    const signups = new Counter({
      name: "signups_total",
      help: "Accounts created",
      registers: [plugin.registry],
    });
    app.post("/signup", () => {
      signups.inc();
      return "welcome";
    });
    await app.request("/signup", { method: "POST" });
    expect(await (await app.request("/metrics", AUTH)).text()).toContain("signups_total 1");
  });

  test("a registry given is used; sharing it between apps needs a prefix", async () => {
    const registry = new Registry();
    const first = harpia();
    first.use(metrics({ token: TOKEN, registry }));
    expect(registry.getSingleMetric("http_requests_total")).toBeDefined();
    expect(() => harpia().use(metrics({ token: TOKEN, registry }))).toThrow(
      /already been registered.*its own registry.*prefix.*collectDefaultMetrics: false/,
    );
    harpia().use(metrics({ token: TOKEN, registry, prefix: "admin_", collectDefaultMetrics: true }));
    expect(registry.getSingleMetric("admin_http_requests_total")).toBeDefined();
  });
});

describe("installation", () => {
  test("once per app, and one app per plugin", () => {
    const app = harpia();
    const plugin = metrics({ token: TOKEN });
    app.use(plugin);
    expect(app.hasPlugin("@harpia/metrics")).toBe(true);
    app.use(plugin); // the same value again: a no-op
    expect(() => app.use(metrics({ token: TOKEN }))).toThrow(
      /"@harpia\/metrics" is already installed on this app.*app\.use\(\.\.\.\) once/,
    );
    expect(() => harpia().use(plugin)).toThrow(
      /"@harpia\/metrics".*installed on another app; make one per app/,
    );
  });
});

describe("options are checked when metrics() is called", () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ["not an object", "yes", /takes an options object/],
    ["an unknown option", { tokn: TOKEN }, /unknown option "tokn"/],
    ["a path with a param", { path: "/metrics/:id", token: TOKEN }, /\{ path \}/],
    ["a path without a slash", { path: "metrics", token: TOKEN }, /\{ path \}/],
    ["a short token", { token: "short" }, /\{ token \}.*at least 16/],
    ["a token with spaces", { token: "a token with spaces in it" }, /\{ token \}/],
    ["a guard that is not a function", { guard: true }, /\{ guard \}/],
    ["a port out of range", { port: 70_000 }, /\{ port \}/],
    ["a port that is not an integer", { port: "9464" }, /\{ port \}/],
    ["a hostname without a port", { hostname: "0.0.0.0", token: TOKEN }, /\{ hostname \}\) needs `port`/],
    ["a registry that is not one", { registry: {}, token: TOKEN }, /\{ registry \}/],
    ["a prefix starting with a digit", { prefix: "1app_", token: TOKEN }, /\{ prefix \}/],
    ["a prefix with a dash", { prefix: "my-app_", token: TOKEN }, /\{ prefix \}/],
    ["empty buckets", { buckets: [], token: TOKEN }, /\{ buckets \}/],
    ["buckets out of order", { buckets: [0.1, 0.05], token: TOKEN }, /\{ buckets \}.*item 1/],
    ["a negative bucket", { buckets: [-1], token: TOKEN }, /\{ buckets \}/],
    ["an infinite bucket", { buckets: [1, Infinity], token: TOKEN }, /\{ buckets \}/],
    [
      "collectDefaultMetrics not a boolean",
      { collectDefaultMetrics: "no", token: TOKEN },
      /collectDefaultMetrics/,
    ],
  ];
  for (const [what, options, message] of bad) {
    test(what, () => {
      expect(() => metrics(options as MetricsOptions)).toThrow(TypeError);
      expect(() => metrics(options as MetricsOptions)).toThrow(message);
    });
  }

  test("good ones pass", () => {
    expect(() =>
      metrics({
        path: "/internal/metrics/",
        token: TOKEN,
        guard: () => true,
        port: 9464,
        hostname: "0.0.0.0",
        registry: new Registry(),
        prefix: "shop_",
        buckets: [0.001, 0.01, 0.1, 1],
        collectDefaultMetrics: false,
      }),
    ).not.toThrow();
  });
});
