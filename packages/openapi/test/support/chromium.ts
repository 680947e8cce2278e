import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); `CHROMIUM_PATH` overrides. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium; a missing one fails the test (browser tests never pass by not running). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 20_000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

declare global {
  interface Window {
    __cspViolation?: (text: string) => void;
  }
}

/**
 * A context recording every problem of its pages in `problems`: console errors, uncaught
 * errors, responses with an error status and `securitypolicyviolation` events (listened to
 * before any page script runs).
 */
export async function watchedContext(browser: Browser, problems: string[]): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.exposeFunction("__cspViolation", (text: string) => problems.push(`csp: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolation?.(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  context.on("page", (page) => {
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`http: ${r.status()} ${r.url()}`);
    });
  });
  return context;
}
