import { definePlugin, type Harpia, type HarpiaResponse, type Plugin } from "@harpia/core";
import { type CheckResults, checkRunner } from "./checks";
import { type HealthOptions, resolveOptions } from "./options";

/** The plugin's name (`app.hasPlugin("@harpia/health")`, `dependencies` of other plugins). */
export const PLUGIN_NAME = "@harpia/health";

/**
 * Why the readiness probe answered as it did: `"ok"` (200); `"not_ready"` (503: not marked
 * ready yet, or marked not ready); `"closing"` (503: `app.close()` has begun); `"fail"` (503: a
 * check failed, see `checks`).
 */
export type ReadinessStatus = "ok" | "not_ready" | "closing" | "fail";

/** The readiness probe's JSON body. */
export interface ReadinessReport {
  status: ReadinessStatus;
  /** Each check's outcome, when there are checks and they ran (only while ready and not closing). */
  checks?: CheckResults;
}

/** What `health()` returns besides being a plugin: the readiness switch and the probes' paths. */
export interface Health {
  /**
   * Marks the app ready (`true`) or not (`false`, e.g. during maintenance or while a cache is
   * rebuilt). Once called, `readyOnListen` no longer decides.
   */
  setReady(ready: boolean): void;
  /** Marked ready and not closing (the checks are not run: see {@link readiness}). */
  isReady(): boolean;
  /** What the readiness probe would answer now: runs the checks when the app is ready. */
  readiness(): Promise<ReadinessReport>;
  /** The probes' paths (`undefined` when turned off), e.g. to leave them out of an auth check. */
  readonly paths: { readonly live: string | undefined; readonly ready: string | undefined };
}

/** A health plugin: `app.use()` it, keep it to call {@link Health.setReady}. */
export type HealthPlugin = Health & Plugin;

/** Probe answers are about this instant: never cached by a proxy or the client. */
function answer(res: HarpiaResponse, status: number, body: object): void {
  res.status(status).header("cache-control", "no-store").json(body);
}

/**
 * Liveness and readiness probes for load balancers and orchestrators (Kubernetes
 * `livenessProbe`/`readinessProbe`, Docker `HEALTHCHECK`):
 *
 * - `GET /healthz` answers `200 {"status":"ok"}` for as long as the process serves requests,
 *   closing included (a liveness failure gets the process restarted, which a graceful shutdown
 *   must not trigger). It runs no checks.
 * - `GET /readyz` answers `200 {"status":"ok","checks":{...}}` when the app is marked ready and
 *   every check passes, and `503` with the reason otherwise: before it is ready (by default
 *   once `app.listen()` has started a server; `readyOnListen: false` waits for
 *   `setReady(true)`), when a check fails or times out, and from the moment `app.close()`
 *   begins, so the load balancer stops sending traffic while in-flight requests finish.
 *
 * Both are ordinary `GET` routes (so `HEAD` works and Bun's native router serves them); they
 * answer JSON with `Cache-Control: no-store`. App-level middleware runs for them as for every
 * route: an authentication middleware must let `health.paths` through.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { health } from "@harpia/health";
 *
 * const app = harpia();
 * const probes = health({ checks: { db: () => db.ping() } });
 * app.use(probes);
 * app.listen({ port: 3000, shutdownOnSignals: true }); // /readyz: 200 from here, 503 on SIGTERM
 */
export function health(options?: HealthOptions): HealthPlugin {
  const { live, ready, checks, timeout, readyOnListen } = resolveOptions(options);
  const runChecks = checkRunner(checks, timeout);
  /** The app served: its `closing` makes readiness answer `closing`. */
  let owner: Harpia | undefined;
  let marked = false;
  let decided = false;

  /** Whether the app this plugin serves has begun `app.close()` (read fresh: it changes). */
  const closing = () => owner?.closing === true;
  const isReady = () => marked && !closing();

  const readiness = async (): Promise<ReadinessReport> => {
    if (closing()) return { status: "closing" };
    if (!marked) return { status: "not_ready" };
    if (checks.length === 0) return { status: "ok" };
    const results = await runChecks();
    // Closing may have begun while the checks ran: that answer wins.
    if (closing()) return { status: "closing", checks: results };
    const failed = Object.values(results).includes("fail");
    return { status: failed ? "fail" : "ok", checks: results };
  };

  const handle: Health = {
    setReady(value: boolean) {
      if (typeof value !== "boolean")
        throw new TypeError(`health.setReady(ready) takes a boolean, got ${typeof value}`);
      marked = value;
      decided = true;
    },
    isReady,
    readiness,
    paths: Object.freeze({ live, ready }),
  };

  return definePlugin(
    {
      name: PLUGIN_NAME,
      // One per app (a second one would register the same probe routes), one app per plugin.
      once: true,
      setup(app) {
        owner = app;
        if (live !== undefined) app.get(live, (_req, res) => answer(res, 200, { status: "ok" }));
        if (ready !== undefined) {
          app.get(ready, async (_req, res) => {
            const report = await readiness();
            answer(res, report.status === "ok" ? 200 : 503, report);
          });
        }
        if (readyOnListen) {
          app.addHook("onListen", () => {
            if (!decided) marked = true;
          });
        }
      },
    },
    handle,
  );
}
