/**
 * The WebSocket step of dispatch: an upgrade request that matched a WebSocket route is checked,
 * runs the route's chain (app middleware, then its `upgrade` hook), and is handed to Bun.
 */
import { HttpError } from "../errors";
import { runChain } from "../pipeline/chain";
import type { CompiledApp, CompiledWsRoute } from "../pipeline/compiled";
import { fireOnResponse, runOnSend } from "../pipeline/lifecycle";
import { applyParams, malformedPath } from "../pipeline/params";
import { fail } from "../pipeline/respond";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { RouteMatch } from "../router/types";
import { BUILD, HAS_HEADERS } from "../symbols";
import { originRefused } from "./origins";

/** True for a request asking to become a WebSocket (`Upgrade: websocket`). */
export function isWebSocketUpgrade(request: Request): boolean {
  const upgrade = request.headers.get("upgrade");
  return upgrade !== null && upgrade.trim().toLowerCase() === "websocket";
}

/**
 * Why an upgrade request cannot be completed, checked before any middleware runs: a malformed
 * handshake (400), an unsupported protocol version (426, as RFC 6455 asks), or an app served
 * without the Bun server, which alone can upgrade (500).
 */
export function handshakeError(req: HarpiaRequest<any>): HttpError | undefined {
  const headers = req.headers;
  if (!headers.get("sec-websocket-key")) {
    return new HttpError(400, "Invalid WebSocket handshake: Sec-WebSocket-Key is missing", {
      code: "BAD_REQUEST",
    });
  }
  if (headers.get("sec-websocket-version")?.trim() !== "13") {
    return new HttpError(426, "Unsupported WebSocket version; this server speaks version 13", {
      code: "UPGRADE_REQUIRED",
      headers: { "sec-websocket-version": "13", upgrade: "websocket" },
    });
  }
  const server = req.server as { upgrade?: unknown } | undefined;
  if (typeof server?.upgrade !== "function") {
    return new HttpError(
      500,
      "WebSocket routes need the Bun server: use app.listen(), or Bun.serve({ fetch: app.fetch, websocket: app.websocket })",
      { code: "INTERNAL_ERROR" },
    );
  }
  return undefined;
}

/**
 * An upgrade request matched a WebSocket route: check the handshake and where it comes from
 * (a page of another origin the route does not allow is a 403 `WS_ORIGIN_REFUSED`), run the
 * route's chain (app middleware, then its `upgrade` hook), then hand the socket to Bun. A
 * refused handshake is answered like an error raised before routing: the app-level middleware
 * sees the error, the route's middleware and `upgrade` hook never run.
 */
export function upgradeSocket(
  compiled: CompiledApp,
  match: RouteMatch<CompiledWsRoute>,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  req.route = match.value.pattern;
  let refused = handshakeError(req) ?? originRefused(match.value.origins, req);
  if (refused === undefined && !applyParams(req, match.names, match.values)) refused = malformedPath();
  if (refused !== undefined) return fail(compiled, req, res, refused);
  return runChain(match.value.chain, req, res, (r, s) => finishUpgrade(compiled, r, s));
}

/**
 * After a WebSocket route's chain: the handshake, unless the chain answered (refused) instead,
 * or the app began closing meanwhile (an async `upgrade` hook): a socket opened now would only
 * be closed again, so the client gets a 503 to retry elsewhere.
 */
function finishUpgrade(
  compiled: CompiledApp,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  if (!compiled.sockets.isPending(req) || res.sent) {
    if (res.statusCode === 101) res.statusCode = 200;
    return compiled.finish(req, res);
  }
  if (compiled.closing.closing) {
    compiled.sockets.cancel(req);
    res.statusCode = 200;
    // Answered as an error, but not through the middleware again: the route's chain ran it.
    const answered = compiled.respondError(shuttingDown(), req, res);
    return answered === undefined
      ? compiled.finish(req, res)
      : answered.then(() => compiled.finish(req, res));
  }
  if (compiled.hooks.onSend.length === 0) return handshake(compiled, req, res);
  return runOnSend(compiled.hooks, req, res).then(() => handshake(compiled, req, res));
}

function shuttingDown(): HttpError {
  return new HttpError(503, "The server is shutting down; connect again", {
    code: "SERVICE_UNAVAILABLE",
    headers: { "retry-after": "1" },
  });
}

/**
 * Upgrades through Bun. Bun wants no response after a successful upgrade, so the request path
 * gives it `undefined`; `onResponse` hooks see a stand-in `101` response.
 */
function handshake(
  compiled: CompiledApp,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  let upgraded: boolean;
  try {
    upgraded = compiled.sockets.upgrade(req, res);
  } catch (error) {
    upgraded = false;
    compiled.report?.(error, req);
  }
  if (!upgraded) {
    res.statusCode = 200;
    const answered = compiled.respondError(
      new HttpError(400, "The WebSocket handshake failed", { code: "BAD_REQUEST" }),
      req,
      res,
    );
    return answered === undefined ? res[BUILD](false) : answered.then(() => res[BUILD](false));
  }
  if (compiled.hooks.onResponse.length !== 0) {
    const response = new Response(null, { status: 101, headers: res[HAS_HEADERS] ? res.headers : undefined });
    fireOnResponse(compiled.hooks, req, res, response);
  }
  return undefined as unknown as Response;
}
