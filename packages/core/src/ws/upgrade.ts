import { DEFAULT_JSON_DEPTH } from "../body/json";
import type { CompiledRoute, FlatRoute, FlatWsRoute } from "../compile";
import { compileRoutes } from "../compile";
import type { ErrorResponder } from "../compose";
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import { HarpiaResponse } from "../response";
import { TrieRouter, type TrieRouterOptions } from "../router/trie-router";
import type { RouterEngine } from "../router/types";
import type { Middleware } from "../types";
import type { WebSocketHub } from "./hub";
import type { WsHandlers } from "./types";

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

function settle(
  hub: WebSocketHub,
  handlers: WsHandlers<any, any>,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  result: unknown,
): void {
  if (res.sent) return; // refused by sending a response
  if (result instanceof Response) {
    res.send(result);
    return;
  }
  if (result === undefined || result === null || result === res) {
    hub.prepare(req, res, handlers, undefined);
    return;
  }
  if (typeof result !== "object" || Array.isArray(result) || result instanceof HarpiaResponse) {
    throw new TypeError(
      "A WebSocket upgrade() hook must return an object of connection data, a Response or nothing",
    );
  }
  hub.prepare(req, res, handlers, result);
}

/** The last step of a WebSocket route's chain: runs its `upgrade` hook and marks the request for the handshake. */
export function upgradeStep(hub: WebSocketHub, handlers: WsHandlers<any, any>): Middleware {
  return (req, res) => {
    if (handlers.upgrade === undefined) return settle(hub, handlers, req, res, undefined);
    const result = handlers.upgrade(req, res);
    if (result instanceof Promise) return result.then((value) => settle(hub, handlers, req, res, value));
    return settle(hub, handlers, req, res, result);
  };
}

/**
 * Compiles WebSocket routes into their own router (GET only): each chain is the app's and the
 * enclosing groups' middleware, then {@link upgradeStep}. `undefined` when there are none, so
 * apps without WebSocket routes never look at `Upgrade` headers.
 */
export function compileWsRoutes(
  routes: FlatWsRoute[],
  hub: WebSocketHub,
  onError: ErrorResponder,
  routerOptions?: TrieRouterOptions,
): RouterEngine<CompiledRoute> | undefined {
  if (routes.length === 0) return undefined;
  const router = new TrieRouter<CompiledRoute>(routerOptions);
  const flat: FlatRoute[] = routes.map((route) => ({
    method: "GET",
    pattern: route.pattern,
    handlers: [upgradeStep(hub, route.handlers)],
    options: { parseBody: false },
    scopes: route.scopes,
  }));
  try {
    compileRoutes(flat, router, onError, { bodyLimit: undefined, jsonDepth: DEFAULT_JSON_DEPTH });
  } catch (error) {
    // The trie names the method; for a WebSocket route that would read as an HTTP clash.
    throw new Error(`WebSocket ${(error as Error).message.replace("Route GET ", "route ")}`);
  }
  return router;
}
