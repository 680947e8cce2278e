/**
 * The dispatch step of the request path: WebSocket upgrades, method override, route matching,
 * params and the route's body policy, then the route's chain into `respond`. Every step stays
 * synchronous until something (a body, an async handler, a hook) needs to wait, so simple
 * routes never pay for promises.
 */
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { LOOKUP_PATH } from "../symbols";
import { isWebSocketUpgrade, upgradeSocket } from "../ws/handshake";
import { bodyHeaders, NO_BODY_METHODS, withBody } from "./body-policy";
import type { Finish } from "./chain";
import { runChain } from "./chain";
import type { CompiledApp, CompiledRoute } from "./compiled";
import { applyOverride } from "./method-override";
import { applyParams, malformedPath } from "./params";
import { fail } from "./respond";
import { withDeadline } from "./timeout";

/** Routes a request (after the `onRequest` hooks) and answers it. */
export function dispatch(
  compiled: CompiledApp,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  const request = req.raw;
  if (compiled.ws !== undefined && request.method === "GET" && isWebSocketUpgrade(request)) {
    const match = compiled.ws.match("GET", req[LOOKUP_PATH]);
    if (match !== null) return upgradeSocket(compiled, match, req, res);
  }
  if (compiled.override !== undefined && request.method === "POST") {
    const pending = applyOverride(compiled.override, req, compiled.bodyLimit);
    if (pending !== undefined)
      return pending.then(
        () => route(compiled, req, res),
        (error) => fail(compiled, req, res, error),
      );
  }
  return route(compiled, req, res);
}

/** Matches the route, decodes its params, applies its body policy and runs its chain. */
function route(
  compiled: CompiledApp,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  const match = compiled.router.match(req.method, req[LOOKUP_PATH]);
  if (match === null) return runChain(compiled.fallback, req, res, compiled.finish);
  const matched = match.value;
  req.route = matched.pattern;
  if (!applyParams(req, match.names, match.values)) return fail(compiled, req, res, malformedPath());
  if (matched.timeout !== undefined)
    return withDeadline(compiled, matched.timeout, req, res, (finish) =>
      runRoute(compiled, matched, req, res, finish),
    );
  return runRoute(compiled, matched, req, res, compiled.finish);
}

/** The route's body policy, then its chain, into `finish`. */
function runRoute(
  compiled: CompiledApp,
  matched: CompiledRoute,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  finish: Finish,
): Response | Promise<Response> {
  if (matched.parseBody && !NO_BODY_METHODS.has(req.method)) {
    const body = bodyHeaders(req.raw);
    if (body !== undefined) return withBody(compiled, matched, req, res, body, finish);
  }
  return runChain(matched.chain, req, res, finish);
}
