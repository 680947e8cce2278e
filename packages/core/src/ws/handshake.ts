import type { CompiledRoute } from "../compile";
import { runChain } from "../compose";
import { HttpError } from "../errors";
import { applyParams, type Compiled, malformedPath, type RequestPipeline } from "../pipeline";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { RouteMatch } from "../router/types";
import { handshakeError } from "./upgrade";

/**
 * An upgrade request matched a WebSocket route: check the handshake, run the route's chain
 * (app middleware, then its `upgrade` hook), then hand the socket to Bun.
 */
export function upgradeSocket(
  pipeline: RequestPipeline,
  compiled: Compiled,
  match: RouteMatch<CompiledRoute>,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  let refused = handshakeError(req);
  if (refused === undefined && !applyParams(req, match.names, match.values)) refused = malformedPath();
  if (refused !== undefined) return pipeline.fail(compiled, req, res, refused);
  return runChain(match.value.chain, req, res, (r, s) => finishUpgrade(pipeline, r, s));
}

/** After a WebSocket route's chain: the handshake, unless the chain answered (refused) instead. */
function finishUpgrade(
  pipeline: RequestPipeline,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  if (!pipeline.host._sockets.isPending(req) || res.sent) {
    if (res.statusCode === 101) res.statusCode = 200;
    return pipeline.finish(req, res);
  }
  if (pipeline.host._hooks.onSend.length === 0) return handshake(pipeline, req, res);
  return pipeline.runOnSend(req, res).then(() => handshake(pipeline, req, res));
}

/**
 * Upgrades through Bun. Bun wants no response after a successful upgrade, so the pipeline
 * gives it `undefined`; `onResponse` hooks see a stand-in `101` response.
 */
function handshake(
  pipeline: RequestPipeline,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Response | Promise<Response> {
  const host = pipeline.host;
  let upgraded: boolean;
  try {
    upgraded = host._sockets.upgrade(req, res);
  } catch (error) {
    upgraded = false;
    host._logError?.(error, req);
  }
  if (!upgraded) {
    res.statusCode = 200;
    const answered = host._respondError(
      new HttpError(400, "The WebSocket handshake failed", { code: "BAD_REQUEST" }),
      req,
      res,
    );
    return answered === undefined ? res._toResponse(false) : answered.then(() => res._toResponse(false));
  }
  if (host._hooks.onResponse.length !== 0) {
    const response = new Response(null, { status: 101, headers: res._hasHeaders ? res.headers : undefined });
    pipeline.fireOnResponse(req, res, response);
  }
  return undefined as unknown as Response;
}
