import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where the tests save screenshots (git-ignored). */
export const SCREENSHOTS = path.join(import.meta.dir, "..", "screenshots");

/**
 * Starts headless Chromium. Absent, it fails with a message saying how to get it: browser
 * tests must never pass by not running. Playwright gives each launch a fresh, temporary
 * user-data-dir, removed when the browser closes.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. Install it with ` +
        "`apt-get install chromium` (.ci/run does), or point CHROMIUM_PATH at a Chromium binary.",
    );
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 20_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Something that went wrong in a page: a console error, an uncaught exception, a CSP violation. */
export interface PageProblem {
  kind: "console" | "pageerror" | "csp" | "http";
  text: string;
}

declare global {
  interface Window {
    __reportCspViolation?: (violation: string) => void;
  }
}

/**
 * A browser context that records every problem of its pages into `problems`: console errors,
 * uncaught errors, failed responses and `securitypolicyviolation` events (reported through a
 * binding installed before any page script runs, so early violations are caught too).
 */
export async function watchedContext(browser: Browser, problems: PageProblem[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  await context.exposeFunction("__reportCspViolation", (violation: string) => {
    problems.push({ kind: "csp", text: violation });
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__reportCspViolation?.(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"}: ${event.sample}`,
      );
    });
  });
  context.on("page", (page) => watchPage(page, problems));
  return context;
}

function watchPage(page: Page, problems: PageProblem[]): void {
  page.on("console", (message) => {
    if (message.type() === "error") problems.push({ kind: "console", text: message.text() });
  });
  page.on("pageerror", (error) => problems.push({ kind: "pageerror", text: error.message }));
  page.on("response", (response) => {
    if (response.status() >= 400)
      problems.push({ kind: "http", text: `${response.status()} ${response.url()}` });
  });
}
