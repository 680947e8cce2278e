import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import harpia, { type Harpia } from "@harpia/core";
import { type Scrape, scrape } from "../test/support/scrape";
import { metrics } from "./index";

const TOKEN = "scrape-token-0123456789";

/** Scrapes until `done(scrape)` holds (a closing socket is counted down asynchronously). */
async function scrapeUntil(url: string, done: (scrape: Scrape) => boolean): Promise<Scrape> {
  for (let attempt = 0; ; attempt++) {
    const current = await scrape(url, TOKEN);
    if (done(current) || attempt === 100) return current;
    await Bun.sleep(20);
  }
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve());
    socket.addEventListener("error", () => reject(new Error("the WebSocket did not open")));
  });
}

describe("gauges read when scraped", () => {
  let app: Harpia;
  let base: string;
  let release: () => void = () => {};
  const arrived: Array<() => void> = [];

  beforeAll(() => {
    app = harpia({ logErrors: false });
    app.use(metrics({ token: TOKEN }));
    app.get("/hold", async () => {
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      arrived.shift()?.();
      await gate;
      return "released";
    });
    app.ws("/live", { message: (ws, message) => ws.send(message) });
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(() => app.close());

  test("http_requests_in_flight counts the requests being answered, the scrape included", async () => {
    const idle = await scrape(`${base}/metrics`, TOKEN);
    expect(idle.value("http_requests_in_flight")).toBe(1);
    expect(idle.family("http_requests_in_flight").type).toBe("GAUGE");

    const inHandler = new Promise<void>((resolve) => arrived.push(resolve));
    const held = fetch(`${base}/hold`);
    await inHandler;
    const busy = await scrape(`${base}/metrics`, TOKEN);
    expect(busy.value("http_requests_in_flight")).toBe(2);

    release();
    expect(await (await held).text()).toBe("released");
    const after = await scrape(`${base}/metrics`, TOKEN);
    expect(after.value("http_requests_in_flight")).toBe(1);
    expect(after.value("http_requests_total", { method: "GET", route: "/hold", status: "200" })).toBe(1);
  });

  test("websocket_connections follows sockets opening and closing", async () => {
    const url = `${base.replace("http", "ws")}/live`;
    const first = new WebSocket(url);
    const second = new WebSocket(url);
    await Promise.all([opened(first), opened(second)]);
    const two = await scrapeUntil(`${base}/metrics`, (s) => s.value("websocket_connections") === 2);
    expect(two.value("websocket_connections")).toBe(2);
    expect(two.family("websocket_connections").type).toBe("GAUGE");
    // The handshakes are counted as requests, under the WebSocket route, with status 101.
    expect(two.value("http_requests_total", { method: "GET", route: "/live", status: "101" })).toBe(2);

    first.close();
    const one = await scrapeUntil(`${base}/metrics`, (s) => s.value("websocket_connections") === 1);
    expect(one.value("websocket_connections")).toBe(1);
    second.close();
    const none = await scrapeUntil(`${base}/metrics`, (s) => s.value("websocket_connections") === 0);
    expect(none.value("websocket_connections")).toBe(0);
  });

  test("process metrics are served by default", async () => {
    const current = await scrape(`${base}/metrics`, TOKEN);
    expect(current.value("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(current.family("process_cpu_seconds_total").type).toBe("COUNTER");
    expect(current.families.has("nodejs_eventloop_lag_seconds")).toBe(true);
  });
});

describe("names", () => {
  test("prefix goes before every name, default metrics included", async () => {
    const app = harpia({ logErrors: false });
    app.use(metrics({ token: TOKEN, prefix: "shop_" }));
    app.get("/", () => "home");
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      await fetch(`http://127.0.0.1:${server.port}/`);
      const current = await scrape(`http://127.0.0.1:${server.port}/metrics`, TOKEN);
      expect(current.value("shop_http_requests_total", { method: "GET", route: "/", status: "200" })).toBe(1);
      expect(current.families.has("shop_process_resident_memory_bytes")).toBe(true);
      expect(current.families.has("shop_websocket_connections")).toBe(true);
      expect([...current.families.keys()].every((name) => name.startsWith("shop_"))).toBe(true);
    } finally {
      await app.close();
    }
  });

  test("collectDefaultMetrics: false serves the HTTP metrics only", async () => {
    const app = harpia({ logErrors: false });
    app.use(metrics({ token: TOKEN, collectDefaultMetrics: false }));
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const current = await scrape(`http://127.0.0.1:${server.port}/metrics`, TOKEN);
      expect([...current.families.keys()].sort()).toEqual([
        "http_request_duration_seconds",
        "http_requests_in_flight",
        "http_requests_total",
        "websocket_connections",
      ]);
    } finally {
      await app.close();
    }
  });
});
