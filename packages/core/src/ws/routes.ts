/**
 * WebSocket routes, compiled: each becomes a chain (the app's and enclosing groups' middleware,
 * then the route's `upgrade` hook) in a router of its own.
 */
import { compileRoutes, type FlatRoute, type FlatWsRoute } from "../app/routes";
import { DEFAULT_JSON_DEPTH } from "../body/json";
import type { ErrorResponder } from "../pipeline/chain";
import type { CompiledRoute, CompiledWsRoute } from "../pipeline/compiled";
import type { HarpiaRequest } from "../request";
import { HarpiaResponse } from "../response";
import { TrieRouter, type TrieRouterOptions } from "../router/trie-router";
import type { RouterEngine } from "../router/types";
import type { Middleware } from "../types";
import type { WebSocketHub } from "./hub";
import type { WsOriginPolicy } from "./origins";
import type { WsHandlers } from "./types";

function settle(
  hub: WebSocketHub,
  handlers: WsHandlers<any, any, any>,
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
export function upgradeStep(hub: WebSocketHub, handlers: WsHandlers<any, any, any>): Middleware {
  return (req, res) => {
    if (handlers.upgrade === undefined) return settle(hub, handlers, req, res, undefined);
    const result = handlers.upgrade(req, res);
    if (result instanceof Promise) return result.then((value) => settle(hub, handlers, req, res, value));
    return settle(hub, handlers, req, res, result);
  };
}

/**
 * Compiles WebSocket routes into their own router (GET only): each chain is the app's and the
 * enclosing groups' middleware, then {@link upgradeStep}; each route keeps its origin policy
 * (its own `allowOrigins`, else `origins`, the app's). `undefined` when there are none, so
 * apps without WebSocket routes never look at `Upgrade` headers.
 */
export function compileWsRoutes(
  routes: FlatWsRoute[],
  hub: WebSocketHub,
  onError: ErrorResponder,
  origins: WsOriginPolicy,
  routerOptions?: TrieRouterOptions,
): RouterEngine<CompiledWsRoute> | undefined {
  if (routes.length === 0) return undefined;
  const router = new TrieRouter<CompiledWsRoute>(routerOptions);
  try {
    for (const route of routes) {
      const policy = route.origins ?? origins;
      // The router as compileRoutes fills it, each variant of this route stored with its policy.
      const withPolicy: RouterEngine<CompiledRoute> = {
        add: (method, segments, value) => router.add(method, segments, { ...value, origins: policy }),
        match: (method, path) => router.match(method, path),
        allowed: (path) => router.allowed(path),
      };
      const flat: FlatRoute = {
        method: "GET",
        pattern: route.pattern,
        handlers: [upgradeStep(hub, route.handlers)],
        options: { parseBody: false },
        scopes: route.scopes,
        // The handshake's parts are checked before `upgrade` (422); messages in the hub.
        schema: route.schema && {
          params: route.schema.params,
          query: route.schema.query,
          headers: route.schema.headers,
        },
      };
      compileRoutes([flat], withPolicy, onError, {
        bodyLimit: undefined,
        jsonDepth: DEFAULT_JSON_DEPTH,
        timeout: undefined,
      });
    }
  } catch (error) {
    // The trie names the method; for a WebSocket route that would read as an HTTP clash.
    throw new Error(`WebSocket ${(error as Error).message.replace("Route GET ", "route ")}`);
  }
  return router;
}
