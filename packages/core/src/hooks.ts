import type { HarpiaRequest } from "./request";
import type { HarpiaResponse } from "./response";
import type { ServerHandle } from "./server";

/**
 * Lifecycle hooks (`app.addHook(name, hook)`), run in the order they were added unless said
 * otherwise.
 *
 * Per request, whatever the middleware order:
 * - `onRequest(req, res)`: before routing and body parsing. Sending a response here (e.g.
 *   `res.status(503).send(...)`) skips routing.
 * - `onSend(req, res)`: after the chain, just before the `Response` is built, for every
 *   response the app sends (routes, 404, 405, automatic OPTIONS, errors, static files).
 *   The place to add headers that must always be present.
 * - `onResponse(req, res, response)`: after the `Response` is built; not awaited by the
 *   request (for metrics and logs). Errors it throws are reported, never sent.
 * - `onError(error, req, res)`: observes every error the app answers (after the error handler
 *   ran, so `res.statusCode` is final); for logs and metrics, it cannot change the answer.
 *
 * Per app:
 * - `onListen(handle)`: after `listen()` started a server.
 * - `onClose()`: during `app.close()`, after the servers stopped and in-flight requests
 *   finished: close stores, subscribers and timers here. Awaited, in REVERSE order of
 *   registration (what was set up last is torn down first), each bounded by the close timeout.
 */
export interface Hooks {
  onRequest: (req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;
  onSend: (req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;
  onResponse: (req: HarpiaRequest<any>, res: HarpiaResponse, response: Response) => unknown;
  onError: (error: unknown, req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;
  onListen: (handle: ServerHandle) => unknown;
  onClose: () => unknown;
}

/** A hook name. */
export type HookName = keyof Hooks;

/** Every hook list, empty. */
export function emptyHooks(): { [K in HookName]: Hooks[K][] } {
  return { onRequest: [], onSend: [], onResponse: [], onError: [], onListen: [], onClose: [] };
}

/** Where unexpected errors are reported (`harpia({ logErrors })`); `req` when one is involved. */
export type ErrorReporter = (error: unknown, req: HarpiaRequest<any> | undefined) => void;
