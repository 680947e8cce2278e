// Helpers for this package's tests (not shipped: outside src/).
import { type AtomicStore, type Harpia, type HarpiaOptions, harpia } from "@harpia/core";
import type { TelemetryOptions } from "../../src/options";
import { telemetry as createTelemetry, type Telemetry } from "../../src/telemetry";

/** The Redis the tests use: `REDIS_URL`, default `redis://127.0.0.1:6379`. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix unique to one test run. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomUUID()}:`;
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/**
 * An app with telemetry installed (`app.use(telemetry(...))`) and a few routes of every kind. The app trusts
 * `X-Forwarded-For` by default (as behind a proxy), so {@link visit} can pick the client's IP.
 */
export function siteWithTelemetry(
  store: AtomicStore,
  options: TelemetryOptions = {},
  appOptions: HarpiaOptions = { trustProxy: true },
): { app: Harpia; telemetry: Telemetry } {
  const telemetry = createTelemetry({ store, ...options });
  const app = harpia({ logErrors: false, ...appOptions });
  app.use(telemetry);
  for (const path of [
    "/",
    "/home",
    "/about",
    "/pricing",
    "/healthcheck",
    "/healthcheck-admin",
    "/assets/app.js",
  ])
    app.get(path, () => `page ${path}`);
  app.get("/slow", async () => {
    await Bun.sleep(120);
    return "slow";
  });
  app.get("/boom", () => {
    throw new Error("Payment gateway timeout");
  });
  app.get("/p/:n", (req) => `page ${req.params.n}`);
  return { app, telemetry };
}

/** A GET as if from `ip` (through a proxy setting X-Forwarded-For). */
export function visit(
  app: Harpia,
  path: string,
  ip: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return app.request(path, { headers: { "x-forwarded-for": ip, ...headers } });
}
