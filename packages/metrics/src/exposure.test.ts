import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import harpia, { type Harpia, type HarpiaRequest } from "@harpia/core";
import { scrape } from "../test/support/scrape";
import { type MetricsOptions, type MetricsPlugin, metrics } from "./index";

const TOKEN = "scrape-token-0123456789";

/** An app with the plugin, listening on a free port. */
function serve(options: MetricsOptions, appOptions: { development?: boolean } = {}) {
  const app = harpia({ logErrors: false, ...appOptions });
  const plugin = metrics(options);
  app.use(plugin);
  app.get("/", () => "home");
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  return { app, plugin, base: `http://127.0.0.1:${server.port}` };
}

describe("a bearer token", () => {
  let app: Harpia;
  let base: string;
  beforeAll(() => {
    ({ app, base } = serve({ token: TOKEN }));
  });
  afterAll(() => app.close());

  test("without it: 401 with a Bearer challenge, and no metrics", async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(await res.text()).not.toContain("http_requests_total");
  });

  test("a wrong one, or another scheme: 401 invalid_token", async () => {
    for (const authorization of [
      `Bearer ${TOKEN}x`,
      "Bearer ",
      `Basic ${btoa(`prometheus:${TOKEN}`)}`,
      TOKEN,
    ]) {
      const res = await fetch(`${base}/metrics`, { headers: { authorization } });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
    const wrong = await fetch(`${base}/metrics`, {
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  test("the right one, any case of the scheme: the text format, never cached", async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain("# TYPE http_requests_total counter");
  });

  test("HEAD is answered too; other methods get 405", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${base}/metrics`, { method: "HEAD", headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/metrics`, { method: "POST", headers: auth })).status).toBe(405);
  });
});

describe("a guard", () => {
  test("false: 403; true (or a promise of true): the metrics", async () => {
    let allow = false;
    const seen: string[] = [];
    const { app, base } = serve({
      guard: async (req: HarpiaRequest<any>) => {
        seen.push(req.path);
        return allow;
      },
    });
    try {
      const refused = await fetch(`${base}/metrics`);
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain("http_requests_total");
      allow = true;
      expect(
        (await scrape(`${base}/metrics`)).value("http_requests_total", {
          method: "GET",
          route: "/metrics",
          status: "403",
        }),
      ).toBe(1);
      // The guard runs for scrapes only, never for the app's other requests.
      await fetch(`${base}/`);
      expect(seen).toEqual(["/metrics", "/metrics"]);
    } finally {
      await app.close();
    }
  });

  test("with a token, both must pass: the token first (401), then the guard (403)", async () => {
    const { app, base } = serve({
      token: TOKEN,
      guard: (req) => req.headers.get("x-scraper") === "prometheus",
    });
    try {
      expect((await fetch(`${base}/metrics`, { headers: { "x-scraper": "prometheus" } })).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
        403,
      );
      const both = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}`, "x-scraper": "prometheus" },
      });
      expect(both.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe("without a token, a guard or a port", () => {
  test("outside development, app.use(metrics()) throws rather than publish them", () => {
    const app = harpia();
    expect(() => app.use(metrics())).toThrow(/\/metrics would be public.*token.*guard.*port/);
    expect(app.hasPlugin("@harpia/metrics")).toBe(false);
  });

  test("in development they are served, and refused if the app leaves development", async () => {
    const { app, base } = serve({}, { development: true });
    try {
      expect((await scrape(`${base}/metrics`)).families.has("http_requests_total")).toBe(true);
      app.development = false;
      expect((await fetch(`${base}/metrics`)).status).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe("a separate port", () => {
  let app: Harpia;
  let plugin: MetricsPlugin;
  let base: string;
  beforeAll(() => {
    ({ app, plugin, base } = serve({ port: 0 }));
  });
  afterAll(() => app.close());

  test("serves the metrics there, on 127.0.0.1, and not on the app", async () => {
    const url = plugin.url;
    expect(url?.hostname).toBe("127.0.0.1");
    expect(url?.pathname).toBe("/metrics");
    expect(url?.port).not.toBe(new URL(base).port);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    await fetch(`${base}/`);
    const current = await scrape(url!);
    expect(current.value("http_requests_total", { method: "GET", route: "/", status: "200" })).toBe(1);
    // Scrapes are not the app's requests: only the app's 404 above is counted besides "/".
    expect(current.series("http_requests_total")).toHaveLength(2);
    expect((await fetch(new URL("/other", url))).status).toBe(404);
  });

  test("app.close() stops it", async () => {
    const url = plugin.url!;
    await app.close();
    expect(plugin.url).toBeUndefined();
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe("a separate port with a token and a hostname", () => {
  test("the token applies there too", async () => {
    const { app, plugin } = serve({ port: 0, hostname: "localhost", token: TOKEN });
    try {
      expect(plugin.url?.hostname).toBe("localhost");
      expect((await fetch(plugin.url!)).status).toBe(401);
      expect((await scrape(plugin.url!, TOKEN)).families.has("http_requests_total")).toBe(true);
    } finally {
      await app.close();
    }
  });

  test("a port in use is reported through logErrors; the app serves on", async () => {
    const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("other") });
    const reported: unknown[] = [];
    const app = harpia({ logErrors: (error) => void reported.push(error) });
    const plugin = metrics({ port: taken.port });
    app.use(plugin);
    app.get("/", () => "home");
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      expect(plugin.url).toBeUndefined();
      expect(reported).toHaveLength(1);
      expect(String(reported[0])).toContain(String(taken.port));
      expect(await (await fetch(server.url)).text()).toBe("home");
    } finally {
      await app.close();
      taken.stop(true);
    }
  });

  test("nothing listens before app.listen()", () => {
    const app = harpia();
    const plugin = metrics({ port: 0 });
    app.use(plugin);
    expect(plugin.url).toBeUndefined();
  });
});
