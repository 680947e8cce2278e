import { afterAll, beforeAll, expect, test } from "bun:test";
import path from "node:path";
import type { Browser } from "playwright-core";
import { startDemo } from "../support/demo";
import { launchChromium, type PageProblem, SCREENSHOTS, watchedContext } from "./chromium";

/**
 * The demo's API reference (`/docs`, @harpia/openapi) in headless Chromium under the demo's own
 * shield CSP (nonces): it loads, lists the books API's operations, and nothing logs a console
 * error, throws, fails to load or trips the policy.
 */
let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo({ listen: true, port: 0, hostname: "127.0.0.1" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.cleanup();
});

test("/docs lists the books API under the demo's CSP, with no problem", async () => {
  const problems: PageProblem[] = [];
  const context = await watchedContext(browser, problems);
  const page = await context.newPage();
  const response = await page.goto(new URL("/docs", demo.url).href);
  expect(response?.status()).toBe(200);
  expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
  await page.waitForSelector(".opblock-summary", { timeout: 20_000 });
  const operations = await page.$$eval(".opblock-summary", (nodes) =>
    nodes.map((n) => (n.textContent ?? "").replace(/\s+/g, " ").trim()),
  );
  for (const summary of [
    "List the books",
    "Read a book",
    "Add a book",
    "Replace a book's fields",
    "Delete a book",
  ])
    expect(operations.some((text) => text.includes(summary))).toBe(true);
  await page.locator(".opblock-post", { hasText: "Add a book" }).locator(".opblock-summary").click();
  await page.waitForSelector(".opblock-body .body-param, .opblock-body .opblock-section-request-body");
  await page.screenshot({ path: path.join(SCREENSHOTS, "docs.png"), fullPage: true });
  await context.close();
  expect(problems).toEqual([]);
}, 60_000);
