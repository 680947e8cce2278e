import { describe, expect, test } from "bun:test";
import { harpia, MemoryStore } from "@harpia/core";
import { siteWithTelemetry, visit } from "../test/support/test-support";
import { Telemetry } from "./telemetry";

const TOKEN = "dashboard-token-123";

function site(options: { nonce?: string; allowedIps?: string[] } = {}) {
  const { app, telemetry } = siteWithTelemetry(new MemoryStore({ sweepIntervalSeconds: 0 }), {
    accessToken: TOKEN,
    allowedIps: options.allowedIps,
  });
  if (options.nonce) {
    // Stands in for @harpia/shield: a per-request nonce in res.locals.
    app.use((_req, res, next) => {
      res.locals.nonce = options.nonce;
      return next();
    });
  }
  app.get("/admin/telemetry", telemetry.dashboard({ title: "Site <stats>" }));
  return { app, telemetry };
}

describe("telemetry.dashboard()", () => {
  test("refuses to be created without any guard", () => {
    const telemetry = new Telemetry();
    expect(() => telemetry.dashboard()).toThrow(/accessToken/);
    expect(() => telemetry.dashboard({ allowUnguarded: true })).not.toThrow();
  });

  test("without a token a browser gets a 401 login form; an API client gets JSON", async () => {
    const { app } = site();
    const page = await app.request("/admin/telemetry", { headers: { accept: "text/html" } });
    expect(page.status).toBe(401);
    expect(page.headers.get("www-authenticate")).toContain("Bearer");
    const html = await page.text();
    expect(html).toContain('name="token"');
    expect(html).not.toContain(TOKEN);
    const json = await app.request("/admin/telemetry?format=json");
    expect(json.status).toBe(401);
    expect(((await json.json()) as { code: string }).code).toBe("UNAUTHORIZED");
    const wrong = await app.request("/admin/telemetry?token=wrong-token-000", {
      headers: { accept: "text/html" },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("not valid");
  });

  test("?token= is exchanged for an HttpOnly cookie and a clean URL; the cookie then opens it", async () => {
    const { app } = site();
    const exchange = await app.request("/admin/telemetry?token=dashboard-token-123&view=1");
    expect(exchange.status).toBe(303);
    expect(exchange.headers.get("location")).toBe("/admin/telemetry?view=1");
    const cookie = exchange.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^harpia_telemetry=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/admin/telemetry");
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(";")[0]!;
    const page = await app.request("/admin/telemetry", { headers: { cookie: pair, accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const forged = await app.request("/admin/telemetry?format=json", {
      headers: { cookie: "harpia_telemetry=forged" },
    });
    expect(forged.status).toBe(401);
  });

  test("a Bearer token serves the data as JSON; the dashboard's own requests are not recorded", async () => {
    const { app, telemetry } = site();
    await visit(app, "/about", "1.1.1.1");
    await visit(app, "/boom", "1.1.1.2");
    await telemetry.settled();
    const response = await app.request("/admin/telemetry?format=json", {
      headers: { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "9.9.9.9" },
    });
    expect(response.status).toBe(200);
    const data = (await response.json()) as Record<string, any>;
    await telemetry.settled();
    expect(data.today).toBe(data.daily[0].date);
    expect(data.daily[0].totalRequests).toBe(2);
    expect(data.topPages.map((p: { path: string }) => p.path).sort()).toEqual(["/about", "/boom"]);
    expect(data.errors[0]).toMatchObject({ path: "/boom", error: { code: 500 } });
    expect(data.distribution.reduce((sum: number, b: { count: number }) => sum + b.count, 0)).toBe(2);
    expect(await telemetry.getVisitorByIp({ ip: "9.9.9.9", token: TOKEN })).toBeUndefined();
  });

  test("the page is self-contained, carries the CSP nonce and cannot be injected by recorded data", async () => {
    const { app, telemetry } = site({ nonce: "n0nce-abc" });
    // Query values are decoded, so a UTM source can hold raw markup.
    await visit(
      app,
      `/about?utm_source=${encodeURIComponent("</script><img src=x onerror=alert(1)>")}`,
      "1.1.1.1",
    );
    await telemetry.settled();
    const response = await app.request("/admin/telemetry", {
      headers: { "x-telemetry-token": TOKEN, accept: "text/html" },
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<style nonce="n0nce-abc">');
    expect(html).toContain('<script nonce="n0nce-abc">');
    expect(html).toContain("<title>Site &lt;stats&gt;</title>");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(html).not.toContain("<img src=x");
    expect(html.match(/<\/script>/g)!.length).toBe(2);
    const embedded = /<script type="application\/json" id="telemetry-data">([^<]*)<\/script>/.exec(html)![1]!;
    const data = JSON.parse(embedded) as { sources: { source: string }[] };
    expect(data.sources[0]!.source).toBe("</script><img src=x onerror=alert(1)>/(none)");
    for (const chart of ["daily", "pages", "distribution", "slow", "errors"])
      expect(html).toContain(`id="${chart}"`);
  });

  test("allowedIps applies to the dashboard too", async () => {
    const { app } = site({ allowedIps: ["10.0.0.1"] });
    const denied = await app.request("/admin/telemetry", {
      headers: { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "10.0.0.2", accept: "text/html" },
    });
    expect(denied.status).toBe(403);
    const allowed = await app.request("/admin/telemetry", {
      headers: { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "10.0.0.1" },
    });
    expect(allowed.status).toBe(200);
  });

  test("the cookie is Secure when req.secure says so (the app's trustProxy), not when any client claims it", async () => {
    const exchange = async (trustProxy: boolean) => {
      const stats = new Telemetry({
        store: new MemoryStore({ sweepIntervalSeconds: 0 }),
        accessToken: TOKEN,
      });
      const app = harpia({ trustProxy });
      app.get("/admin/telemetry", stats.dashboard());
      const response = await app.request(`/admin/telemetry?token=${TOKEN}`, {
        headers: { "x-forwarded-proto": "https", "x-forwarded-for": "10.0.0.1" },
      });
      expect(response.status).toBe(303);
      return response.headers.get("set-cookie")!;
    };
    expect(await exchange(true)).toContain("Secure");
    expect(await exchange(false)).not.toContain("Secure");
  });

  test("the page carries the nonce a security plugin put in req.state", async () => {
    const { app } = site();
    app.use((req, _res, next) => {
      (req.state as { nonce?: string }).nonce = "state-nonce-42";
      return next();
    });
    const html = await (
      await app.request("/admin/telemetry", { headers: { "x-telemetry-token": TOKEN, accept: "text/html" } })
    ).text();
    expect(html).toContain('<script nonce="state-nonce-42">');
  });

  test("works mounted on a plain app with an IP-only guard", async () => {
    const telemetry = new Telemetry({ allowedIps: ["127.0.0.1"] });
    const app = harpia();
    app.use(telemetry.middleware());
    app.get("/stats", telemetry.dashboard());
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const response = await fetch(new URL("/stats", server.url), { headers: { accept: "text/html" } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('id="telemetry-data"');
    } finally {
      await server.stop(true);
    }
  });
});
