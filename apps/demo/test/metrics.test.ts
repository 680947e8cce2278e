import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDemo } from "./support/demo";

type StartedDemo = Awaited<ReturnType<typeof startDemo>>;

const TOKEN = "demo-metrics-token-0123";

describe("demo metrics", () => {
  let demo: StartedDemo;
  beforeAll(async () => {
    demo = await startDemo({ metricsToken: TOKEN });
  });
  afterAll(() => demo.cleanup());

  test("/metrics needs METRICS_TOKEN as a bearer token", async () => {
    const refused = await demo.app.request("/metrics");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toStartWith("Bearer");
  });

  test("requests are counted by route pattern", async () => {
    await demo.app.request("/hello/Ada");
    await demo.app.request("/hello/Grace");
    const res = await demo.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('http_requests_total{method="GET",route="/hello/:name",status="200"} 2');
    expect(text).not.toContain("/hello/Ada");
    expect(text).toContain("process_resident_memory_bytes");
  });
});

describe("demo without METRICS_TOKEN", () => {
  test("serves no metrics", async () => {
    const demo = await startDemo();
    try {
      expect((await demo.app.request("/metrics")).status).toBe(404);
    } finally {
      await demo.cleanup();
    }
  });

  test("a short METRICS_TOKEN is refused at start", async () => {
    await expect(startDemo({ metricsToken: "short" })).rejects.toThrow(/METRICS_TOKEN must be 16 characters/);
  });
});
