/**
 * What the request path does while the app closes: `Connection: close` on every response, and
 * during a drain, 503s that a load balancer resends elsewhere. The state is one object per app,
 * shared by every compiled form and changed by `app/shutdown.ts`; requests read it live.
 */

/** Where an app is in `app.close()`. */
export interface ClosingState {
  /**
   * `app.close()` began: every response carries `Connection: close` and WebSocket handshakes
   * are refused with 503.
   */
  closing: boolean;
  /** The drain is on: idempotent requests are answered 503 at once (see {@link drainAnswer}). */
  draining: boolean;
  /** Paths served as usual while draining (`req.path`, exact), e.g. a liveness probe. */
  keepServing: ReadonlySet<string>;
}

/** A new app's state: open. */
export function openState(): ClosingState {
  return { closing: false, draining: false, keepServing: new Set() };
}

/**
 * Methods a load balancer may send to another instance once this one answered (RFC 9110's
 * idempotent methods that a proxy retries: nginx resends GET, HEAD and OPTIONS on a 503 with
 * `proxy_next_upstream http_503`, never a POST).
 */
const RESENDABLE = new Set(["GET", "HEAD", "OPTIONS"]);

const DRAINING_BODY = JSON.stringify({
  status: 503,
  code: "SERVICE_UNAVAILABLE",
  message: "This instance is shutting down; try again",
});

/**
 * While draining: a GET, HEAD or OPTIONS request (WebSocket handshakes included) is answered
 * `503` with `Retry-After: 1` and `Connection: close` before any hook, middleware or route
 * runs, so the balancer resends it to another instance and stops sending here. Other methods,
 * and paths in `keepServing`, get `undefined`: they are served (with `Connection: close`).
 */
export function drainAnswer(state: ClosingState, method: string, path: string): Response | undefined {
  if (!RESENDABLE.has(method) || state.keepServing.has(path)) return undefined;
  return new Response(method === "HEAD" ? null : DRAINING_BODY, {
    status: 503,
    headers: {
      "content-type": "application/json;charset=utf-8",
      "retry-after": "1",
      connection: "close",
    },
  });
}
