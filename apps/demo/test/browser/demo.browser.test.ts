import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import harpia from "@harpia/core";
import { Telemetry } from "@harpia/telemetry";
import { TestClient } from "@harpia/test-client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DEMO_ROOT, DEVELOPMENT_TELEMETRY_TOKEN } from "../../src/settings";
import { startDemo } from "../support/demo";
import { makePng } from "../support/png";
import { launchChromium, type PageProblem, SCREENSHOTS, watchedContext } from "./chromium";

/**
 * The demo in headless Chromium, as a visitor uses it: every step goes through the real pages,
 * forms, scripts and WebSocket, and after each test no page may have logged a console error,
 * thrown, received an error status or tripped the Content-Security-Policy.
 *
 * `UPDATE_SCREENSHOTS=1 bun test test/browser` also refreshes the README's screenshots.
 */
type StartedDemo = Awaited<ReturnType<typeof startDemo>>;

const TIMEOUT = 30_000;
const problems: PageProblem[] = [];
let demo: StartedDemo;
let browser: Browser;
let member: BrowserContext;
let guest: BrowserContext;
let page: Page;

const url = (pathname: string) => new URL(pathname, demo.url).href;

/** Saves a screenshot under test/screenshots; with `readme`, also the README's copy when asked to. */
async function screenshot(
  target: Page,
  name: string,
  { readme, fullPage = true }: { readme?: string; fullPage?: boolean } = {},
): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await target.screenshot({ path: file, fullPage });
  if (readme !== undefined && process.env.UPDATE_SCREENSHOTS === "1")
    await copyFile(file, path.join(DEMO_ROOT, "screenshots", readme));
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
}

/**
 * A week of traffic for the dashboard (and its screenshot) to show: earlier days are recorded
 * into the demo's telemetry store by a Telemetry whose clock says so (its back-fill option),
 * through its real middleware, from a handful of visitors, sources, errors and slow pages.
 */
async function backfillTelemetry(days: number): Promise<void> {
  const paths = ["/", "/chat", "/account", "/api/books", "/login", "/signup", "/hello/world"];
  const sources = ["", "?utm_source=newsletter&utm_medium=email", "?utm_source=github&utm_medium=referral"];
  for (let day = days; day >= 1; day--) {
    const date = new Date(Date.now() - day * 86_400_000);
    const past = new Telemetry({
      store: demo.services.stores.telemetry,
      clock: () => date,
      retentionDays: 14,
    });
    const app = harpia();
    app.use(past.middleware());
    app.all("/*", async (req, res) => {
      if (req.path === "/missing") return res.status(404).send("not found");
      if (req.query.slow) await Bun.sleep(Number(req.query.slow));
      res.send("ok");
    });
    const client = new TestClient(app);
    const requests = 12 + ((day * 7) % 11);
    for (let i = 0; i < requests; i++) {
      const path = i % 9 === 8 ? "/missing" : paths[(i * day) % paths.length]!;
      const slow = i === 3 ? (day % 3 === 0 ? 230 : 45) : i === 5 ? 12 : 0;
      const query = slow > 0 ? `?slow=${slow}` : sources[(i + day) % sources.length]!;
      await client
        .get(path + query)
        .ip(`203.0.113.${(i * 3 + day) % (4 + day)}`)
        .execute();
    }
    await past.settled();
  }
}

beforeAll(async () => {
  demo = await startDemo({ listen: true, port: 0, hostname: "127.0.0.1" });
  browser = await launchChromium();
  member = await watchedContext(browser, problems);
  guest = await watchedContext(browser, problems);
  page = await member.newPage();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await demo?.cleanup();
});

afterEach(() => {
  const found = problems.splice(0);
  expect(found).toEqual([]);
});

describe("the demo in Chromium", () => {
  test(
    "the watch on pages works: a script without the nonce is blocked and reported",
    async () => {
      await page.goto(url("/"));
      await page.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
      });
      // Both reports arrive: the page's securitypolicyviolation event and Chromium's console error.
      await until(() => problems.some((p) => p.kind === "csp") && problems.some((p) => p.kind === "console"));
      expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
      const seen = problems.splice(0);
      expect(seen.some((p) => p.kind === "csp" && p.text.startsWith("script-src"))).toBe(true);
      expect(seen.some((p) => p.kind === "console" && p.text.includes("Content Security Policy"))).toBe(true);
    },
    TIMEOUT,
  );

  test(
    "the home page: styled, its nonce'd inline script ran, the loops rendered",
    async () => {
      await page.goto(url("/"));
      expect(await page.textContent("h1")).toBe("Hello from Harpia");
      // The theme comes from the inline script in the layout's head, allowed by the CSP nonce.
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
      // The stylesheet applied (a static file through the same middleware).
      expect(await page.$eval("body", (b) => getComputedStyle(b).backgroundColor)).toBe("rgb(246, 247, 251)");
      expect(await page.locator(".card").count()).toBe(11);
      expect(await page.locator("[data-testid=books] li").count()).toBe(2);
      await page.click("[data-theme-toggle]"); // public/js/app.js
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
      await page.click("[data-theme-toggle]");
      await screenshot(page, "home");
    },
    TIMEOUT,
  );

  test(
    "sign up through the form",
    async () => {
      await page.click("text=Sign up");
      await page.fill("input[name=username]", "Ada");
      await page.fill("input[name=password]", "correct horse battery");
      await Promise.all([page.waitForURL(url("/account")), page.click("[data-testid=signup-form] button")]);
      expect(await page.textContent("[data-testid=username]")).toBe("ada");
      expect(await page.textContent("[data-testid=nav-user]")).toContain("ada");
    },
    TIMEOUT,
  );

  test(
    "add notes and delete one, all through forms (the delete is a DELETE by method override)",
    async () => {
      // The page is on /account already, where each form leads back: waitForURL would return at
      // once (and the next step would race the navigation). Wait for the page that follows.
      for (const text of ["Ship the demo", "Write <b>docs</b> & tests", "Water the plants"]) {
        await page.fill("[data-testid=note-form] textarea", text);
        await page.click("[data-testid=note-form] button");
        await page.locator("[data-testid=note] p", { hasText: text }).waitFor();
        await page.waitForLoadState();
      }
      const notes = page.locator("[data-testid=note] p");
      expect(await notes.allTextContents()).toEqual([
        "Water the plants",
        "Write <b>docs</b> & tests",
        "Ship the demo",
      ]);
      const watering = page.locator("[data-testid=note]", { hasText: "Water the plants" });
      await watering.locator("button").click();
      await watering.waitFor({ state: "detached" });
      await page.waitForLoadState();
      expect(await notes.allTextContents()).toEqual(["Write <b>docs</b> & tests", "Ship the demo"]);
      // app.js replaced the ISO timestamps with local, readable ones.
      expect(await page.textContent("[data-testid=note] time")).not.toContain("T");
    },
    TIMEOUT,
  );

  test(
    "upload a profile picture and see it",
    async () => {
      const png = makePng(96, [107, 79, 224], [255, 176, 92]);
      await page.setInputFiles("[data-testid=avatar-form] input[type=file]", {
        name: "ada.png",
        mimeType: "image/png",
        buffer: Buffer.from(png),
      });
      await Promise.all([page.waitForURL(url("/account")), page.click("[data-testid=avatar-form] button")]);
      const large = page.locator("[data-testid=avatar-large]");
      await large.waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("[data-testid=avatar-large]");
        return img?.complete && img.naturalWidth > 0;
      });
      expect(await large.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
      expect(await page.locator("[data-testid=avatar-small]").count()).toBe(1); // the nav shows it too
      await screenshot(page, "account");
    },
    TIMEOUT,
  );

  test(
    "log out, then log in again",
    async () => {
      await Promise.all([page.waitForURL(url("/")), page.click("text=Log out")]);
      expect(await page.locator("[data-testid=nav-user]").count()).toBe(0);
      await page.goto(url("/account"));
      expect(page.url()).toBe(url("/login?next=%2Faccount"));
      await page.fill("input[name=username]", "ada");
      await page.fill("input[name=password]", "correct horse battery");
      await Promise.all([page.waitForURL(url("/account")), page.click("[data-testid=login-form] button")]);
      expect(await page.locator("[data-testid=note]").count()).toBe(2);
      await page.goto(url("/"));
      await screenshot(page, "demo", { readme: "demo.png", fullPage: false });
    },
    TIMEOUT,
  );

  test(
    "chat between two pages: a member and a guest",
    async () => {
      const other = await guest.newPage();
      await page.goto(url("/chat?room=bun"));
      await other.goto(url("/chat?room=bun"));
      await page.waitForSelector("[data-room][data-connected=true]");
      await other.waitForSelector("[data-room][data-connected=true]");
      const guestName = (await other.textContent("[data-testid=chat-status]"))!.replace("Connected as ", "");
      expect(guestName).toMatch(/^guest-/);

      await page.fill("[data-chat-form] input", "Hello from Ada's page");
      await page.press("[data-chat-form] input", "Enter");
      const received = other.locator("[data-testid=message]", { hasText: "Hello from Ada's page" });
      await received.waitFor({ timeout: 5000 });
      expect(await received.locator(".author").textContent()).toBe("ada");

      await other.fill("[data-chat-form] input", "<img src=x onerror=alert(1)> hi Ada");
      await other.press("[data-chat-form] input", "Enter");
      const reply = page.locator("[data-testid=message]", { hasText: "hi Ada" });
      await reply.waitFor({ timeout: 5000 });
      expect(await reply.locator(".text").textContent()).toBe("<img src=x onerror=alert(1)> hi Ada");
      expect(await page.locator("[data-testid=messages] img").count()).toBe(0);
      await screenshot(page, "chat");
      await other.close();
    },
    TIMEOUT,
  );

  test(
    "the telemetry dashboard behind its token, with its charts drawn",
    async () => {
      await backfillTelemetry(6);
      await page.goto(url(`/admin/telemetry?token=${DEVELOPMENT_TELEMETRY_TOKEN}`));
      // The token was swapped for a cookie and removed from the address bar.
      expect(page.url()).toBe(url("/admin/telemetry"));
      await page.waitForSelector("#daily svg");
      const shapes = await page.evaluate(() =>
        ["daily", "distribution"].map((id) => {
          const svg = document.querySelector(`#${id} svg`);
          const drawn = svg ? [...svg.querySelectorAll("rect, polyline, path")] : [];
          // Drawn means visible shapes with an actual size, not an empty frame.
          return drawn.filter((shape) => {
            const box = (shape as SVGGraphicsElement).getBBox();
            return box.width > 0 && box.height > 0;
          }).length;
        }),
      );
      expect(shapes[0]).toBeGreaterThanOrEqual(7); // a bar per day: today and the six back-filled

      expect(shapes[1]).toBeGreaterThan(0);
      expect(await page.locator("svg").count()).toBeGreaterThanOrEqual(3);
      expect(await page.textContent("body")).toContain("/account");
      await screenshot(page, "dashboard", { readme: "dashboard.png" });
    },
    TIMEOUT,
  );

  test(
    "the dashboard updates itself: a request made meanwhile shows up through its event stream",
    async () => {
      await page.goto(url(`/admin/telemetry?token=${DEVELOPMENT_TELEMETRY_TOKEN}`));
      await page.waitForSelector("#tiles .tile b");
      // The stream opened and delivered its first summary (shield's CSP allows it: same origin).
      await page.waitForSelector("#live-status.on", { timeout: 10_000 });
      const requestsToday = async () =>
        Number((await page.textContent("#tiles .tile b"))!.replace(/\D/g, ""));
      const before = await requestsToday();
      for (let i = 0; i < 3; i++) expect((await fetch(url(`/hello/live-${i}`))).status).toBe(200);
      // No reload: the next summary (every 5 s) redraws the tiles.
      await page.waitForFunction(
        (count) => Number(document.querySelector("#tiles .tile b")!.textContent!.replace(/\D/g, "")) >= count,
        before + 3,
        { timeout: 15_000 },
      );
      expect(await requestsToday()).toBeGreaterThanOrEqual(before + 3);
      expect(await page.textContent("#live-status")).toContain("live, updated");
    },
    TIMEOUT,
  );
});
