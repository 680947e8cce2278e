// Floods that must not sign members out. In memory, sessions live in a bounded LRU pool
// (20,000 entries): anything a stranger can multiply must not land in it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MemoryStore } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { startDemo } from "./support/demo";
import { csrfTokenOf, form } from "./support/forms";

/**
 * Anonymous page views in the flood. Before the fix every view stored a session and a CSRF
 * list, so 10,000 evicted everyone; the default, 12,000, keeps the test to a few seconds.
 * `FLOOD_VIEWS=100000 bun test test/flood.test.ts` runs the full count.
 */
const VIEWS = Number(process.env.FLOOD_VIEWS ?? 12_000);
/** Client addresses counted by the login limiter (the memory pools hold 20,000 entries). */
const ADDRESSES = 25_000;
const CONCURRENCY = 50;

type StartedDemo = Awaited<ReturnType<typeof startDemo>>;
let demo: StartedDemo;
beforeAll(async () => {
  demo = await startDemo({ development: false, telemetryToken: "a-telemetry-token-for-tests" });
});
afterAll(() => demo.cleanup());

/** Signs a member up through the forms; returns the member's browser. */
async function member(username: string, ip: string) {
  const browser = new TestClient(demo.app, { cookies: true });
  const page = await browser.get("/signup").set("accept", "text/html").ip(ip).execute();
  const res = await browser
    .post("/signup")
    .set("accept", "text/html")
    .ip(ip)
    .send(form({ _csrf: csrfTokenOf(await page.text()), username, password: "correct horse battery" }))
    .execute();
  expect(res.status).toBe(303);
  return browser;
}

/** The member is still signed in: the account page shows the name, and its form posts. */
async function expectSignedIn(browser: TestClient, username: string, ip: string) {
  const page = await browser.get("/account").set("accept", "text/html").ip(ip).execute();
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(username);
  const note = await browser
    .post("/notes")
    .set("accept", "text/html")
    .ip(ip)
    .send(form({ _csrf: csrfTokenOf(html), text: "still here" }))
    .execute();
  expect(note.status).toBe(303);
  expect(note.headers.get("location")).toBe("/account#notes");
}

/** Runs `count` calls of `one(i)`, `CONCURRENCY` at a time. */
async function flood(count: number, one: (i: number) => Promise<void>) {
  for (let start = 0; start < count; start += CONCURRENCY) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + CONCURRENCY); i++) batch.push(one(i));
    await Promise.all(batch);
  }
}

describe("an idle member survives", () => {
  test(`${VIEWS.toLocaleString("en")} anonymous page views`, async () => {
    const ada = await member("flood-ada", "10.9.0.1");
    const pages = ["/", "/login", "/signup"];
    await flood(VIEWS, async (i) => {
      const res = await demo.app.fetch(
        new Request(`http://127.0.0.1${pages[i % pages.length]}`, { headers: { accept: "text/html" } }),
      );
      if (res.status !== 200) throw new Error(`view ${i}: ${res.status}`);
      await res.arrayBuffer();
    });
    await expectSignedIn(ada, "flood-ada", "10.9.0.1");
    // Nothing was stored per visitor: the member's session and the CSRF secret.
    expect((demo.services.stores.sessions as MemoryStore).size).toBe(2);
  }, 120_000);

  test(`rate-limit counters of ${ADDRESSES.toLocaleString("en")} client addresses`, async () => {
    const grace = await member("flood-grace", "10.9.0.2");
    // That many login posts from different addresses, each counted by the login limiter (refused
    // by the CSRF check next, a failure that keeps its count: no password is hashed).
    await flood(ADDRESSES, async (i) => {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const res = await demo.app.fetch(new Request("http://127.0.0.1/login", { method: "POST" }), {
        requestIP: () => ({ address, family: "IPv4", port: 0 }),
      });
      if (res.status !== 403) throw new Error(`login post ${i}: ${res.status}`);
      await res.arrayBuffer();
    });
    const limits = demo.services.stores.limits as MemoryStore;
    expect(limits.size).toBe(20_000); // full: the oldest counters were evicted, nothing else
    await expectSignedIn(grace, "flood-grace", "10.9.0.2");

    // One failed login through the form: its counter lands in the limits pool, not the sessions'.
    const login = new TestClient(demo.app, { cookies: true });
    const page = await login.get("/login").set("accept", "text/html").ip("10.9.0.3").execute();
    const failed = await login
      .post("/login")
      .set("accept", "text/html")
      .ip("10.9.0.3")
      .send(form({ _csrf: csrfTokenOf(await page.text()), username: "nobody", password: "wrong password" }))
      .execute();
    expect(failed.status).toBe(401);
    expect(await demo.services.stores.limits.keys("rate-limit:login:ip:10.9.0.3:")).toHaveLength(1);
    expect(await demo.services.stores.sessions.keys("rate-limit:")).toEqual([]);
  }, 60_000);
});
