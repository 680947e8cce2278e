/**
 * How telemetry sees requests: two app hooks, so every response the app sends is recorded
 * whatever the middleware order (404s, 405s, static files, errors raised before any route,
 * answers from middleware that never calls `next()`), with its final status. The request state
 * keys it uses (`req.state.telemetrySkip`, `req.state.telemetryStartedAt`) are declared in
 * `index.ts`, so the published types carry them.
 */
import type { Harpia, HarpiaRequest, HarpiaResponse } from "@harpia/core";
import { observe } from "./observe";
import { normalizePath, type ResolvedOptions } from "./options";
import type { Observation } from "./recorder";

/** Leaves one request out of telemetry. */
export function skipRequest(req: HarpiaRequest<any>): void {
  req.state.telemetrySkip = true;
}

/**
 * Adds the recording hooks to `app`:
 * - `onRequest` notes when the request arrived (before routing and body parsing);
 * - `onResponse` runs once the `Response` is built (after every middleware, the error handler
 *   and the `onSend` hooks), reads its final status, and hands the observation to `record`
 *   without waiting for the store.
 */
export function addRecordingHooks(
  app: Harpia,
  options: ResolvedOptions,
  record: (observation: Observation) => void,
): void {
  const { ignore, clock } = options;
  app.addHook("onRequest", (req: HarpiaRequest<any>) => {
    req.state.telemetryStartedAt = performance.now();
  });
  app.addHook("onResponse", (req: HarpiaRequest<any>, res: HarpiaResponse, response: Response) => {
    const state = req.state;
    if (state.telemetrySkip === true) return;
    const path = normalizePath(req.path);
    if (ignore(path)) return;
    const now = performance.now();
    // Answered by an earlier plugin's onRequest hook, before telemetry's ran: no time to tell.
    const elapsed = now - (state.telemetryStartedAt ?? now);
    record(observe(req, res, response.status, path, clock(), elapsed, options));
  });
}
