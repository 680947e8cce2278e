import { describe, expect, test } from "bun:test";
import { harpia, MemoryStore } from "@harpia/core";
import { siteWithTelemetry, visit } from "../test/support/test-support";
import type { DashboardData } from "./dashboard";
import { serveLive, sharedCollector } from "./dashboard-live";
import { Telemetry } from "./telemetry";

const TOKEN = "dashboard-token-123";

/** Reads the `summary` events of a live stream, one at a time. */
function summaries(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(timeoutMs = 3000): Promise<DashboardData> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = /event: summary\nid: [^\n]*\ndata: ([^\n]*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!) as DashboardData;
        }
        if (Date.now() > deadline) throw new Error(`no summary within ${timeoutMs} ms: ${buffer}`);
        const { value, done } = await reader.read();
        if (done) throw new Error("the stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

function site(live: unknown) {
  const { app, telemetry } = siteWithTelemetry(new MemoryStore({ sweepIntervalSeconds: 0 }), {
    accessToken: TOKEN,
    dashboard: { path: "/admin/telemetry", live: live as never },
  });
  return { app, telemetry };
}

const auth = { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "9.9.9.9" };

describe("the live dashboard", () => {
  test.each([
    ["yes", "`live` must be true, false or { interval }"],
    [{ interval: 0 }, "`live.interval`: expected a positive whole number of milliseconds"],
    [{ interval: "often" }, "`live.interval`"],
    [{ every: "5s" }, 'unknown `live` option "every"'],
  ])("live: %p is refused when the dashboard is made", (live, message) => {
    expect(() => site(live)).toThrow(TypeError);
    expect(() => site(live)).toThrow(message);
  });

  test("pushes the summary at once, then fresh data every interval; its own requests are not recorded", async () => {
    const { app, telemetry } = site({ interval: "100ms" });
    await visit(app, "/about", "1.1.1.1");
    await telemetry.settled();
    const response = await app.request("/admin/telemetry?format=events", { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = summaries(response.body!);
    const first = await events.next();
    expect(first.daily[0]!.totalRequests).toBe(1);
    await visit(app, "/pricing", "1.1.1.2");
    await telemetry.settled();
    let later = await events.next();
    while (later.daily[0]!.totalRequests < 2) later = await events.next();
    expect(later.daily[0]!.totalRequests).toBe(2);
    expect(later.topPages.map((page) => page.path).sort()).toEqual(["/about", "/pricing"]);
    await events.cancel();
  });

  test("EventSource's Accept header selects the stream too, and the page follows it", async () => {
    const { app } = site(true);
    const page = await (
      await app.request("/admin/telemetry", { headers: { ...auth, accept: "text/html" } })
    ).text();
    expect(page).toContain('id="live-status"');
    expect(page).toContain('new EventSource(location.pathname + "?format=events")');
    const response = await app.request("/admin/telemetry", {
      headers: { ...auth, accept: "text/event-stream" },
    });
    const events = summaries(response.body!);
    expect((await events.next()).retentionDays).toBe(30);
    await events.cancel();
  });

  test("the stream is guarded like the page (401/403 as errors, never the login form)", async () => {
    const { app } = site(true);
    const anonymous = await app.request("/admin/telemetry?format=events", {
      headers: { accept: "text/event-stream" },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).not.toContain("text/html");
    expect(anonymous.headers.get("content-type")).not.toContain("event-stream");
  });

  test("without `live`, the page has no stream and ?format=events is a 404", async () => {
    const { app } = site(undefined);
    const page = await (
      await app.request("/admin/telemetry", { headers: { ...auth, accept: "text/html" } })
    ).text();
    expect(page).not.toContain('id="live-status"');
    const events = await app.request("/admin/telemetry?format=events", { headers: auth });
    expect(events.status).toBe(404);
  });

  test("telemetry.dashboard({ live }) works where you mount it", async () => {
    const stats = new Telemetry({ store: new MemoryStore({ sweepIntervalSeconds: 0 }), accessToken: TOKEN });
    const app = harpia();
    app.get("/ops/stats", stats.dashboard({ live: { interval: 50 } }));
    const response = await app.request("/ops/stats?format=events", { headers: auth });
    const events = summaries(response.body!);
    await events.next();
    await events.next();
    await events.cancel();
  });
});

describe("live updates cost the store little", () => {
  test("collections are shared between streams (one per half interval) and a failed one is retried", async () => {
    let calls = 0;
    let fail = false;
    const collect = sharedCollector(async () => {
      calls++;
      if (fail) throw new Error("store down");
      return { generatedAt: new Date().toISOString() };
    }, 100);
    await Promise.all([collect(), collect(), collect()]);
    expect(calls).toBe(1);
    await Bun.sleep(60);
    fail = true;
    await expect(collect()).rejects.toThrow("store down");
    expect(calls).toBe(2);
    fail = false;
    await collect(); // not the failed round again
    expect(calls).toBe(3);
  });

  test("a page that goes away stops its loop: no more collections", async () => {
    let calls = 0;
    const app = harpia();
    app.get("/live", (_req, res) =>
      serveLive(
        res,
        async () => {
          calls++;
          return { generatedAt: new Date().toISOString() };
        },
        20,
      ),
    );
    const response = await app.request("/live");
    const events = summaries(response.body!);
    await events.next();
    await events.next();
    await events.cancel();
    await Bun.sleep(10);
    const after = calls;
    await Bun.sleep(100);
    expect(calls).toBe(after);
  });
});
