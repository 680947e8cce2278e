// Over a real socket: the client address comes from Bun's socket, and the headers are on the wire.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import harpia, { type ServerHandle } from "@harpia/core";
import { rateLimit } from "@harpia/rate-limit";
import { expectRefused, statusCounts, testClock } from "./support";

const app = harpia({ logErrors: false });
let server: ServerHandle;
const still = testClock().now;

beforeAll(() => {
  app.use(rateLimit({ limit: 50, window: "1h", name: "global", now: still }));
  app.get("/", (req) => ({ ip: req.ip }));
  app.post("/login", rateLimit({ limit: 3, window: "15m", name: "login", now: still }), () => "welcome");
  server = app.listen({ port: 0, hostname: "127.0.0.1" });
});
afterAll(() => app.close());

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

describe("over a socket", () => {
  test("keyed by the socket's address; both limiters' headers on the wire; a login limit of 3", async () => {
    const first = await fetch(url("/"));
    expect(await first.json()).toEqual({ ip: "127.0.0.1" });
    expect(first.headers.get("ratelimit-policy")).toBe('"global";q=50;w=3600');
    expect(first.headers.get("ratelimit")).toBe('"global";r=49;t=3600');
    for (let i = 0; i < 3; i++) expect((await fetch(url("/login"), { method: "POST" })).status).toBe(200);
    const refused = await fetch(url("/login"), { method: "POST" });
    await expectRefused(refused.clone(), { name: "login", limit: 3, window: 900 });
    expect(refused.headers.get("ratelimit-policy")).toBe('"global";q=50;w=3600, "login";q=3;w=900');
  });

  test("200 concurrent connections, 45 left of the global 50: exactly 45 pass", async () => {
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 200 }, () => fetch(url("/"))));
    console.log(`  200 concurrent requests over sockets: ${(performance.now() - started).toFixed(0)} ms`);
    expect(statusCounts(responses)).toEqual({ 200: 45, 429: 155 });
  });
});
