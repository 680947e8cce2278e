/**
 * The respond step of the request path: `onSend` hooks, `res` built into the one `Response`,
 * `onResponse` hooks; and the answer to an error raised before any route ran.
 */
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { BODY, BUILD } from "../symbols";
import { compose, type ErrorResponder, type Finish, runChain } from "./chain";
import type { ClosingState } from "./closing";
import type { CompiledApp } from "./compiled";
import { fireOnResponse, type RequestHooks, runOnSend } from "./lifecycle";

/**
 * `res` → `Response`. Building can fail only when a JSON value does not serialise (a cycle, a
 * BigInt): that is answered as the server error it is, through the error handler. Once the app
 * is closing, the response says `Connection: close` (Bun would keep the connection open and
 * then drop it, under a proxy that may be sending the next request on it).
 */
function build(
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  respondError: ErrorResponder,
  closing: ClosingState,
): Response | Promise<Response> {
  const head = req.originalMethod === "HEAD";
  if (closing.closing) res.header("connection", "close");
  try {
    return res[BUILD](head);
  } catch (error) {
    res[BODY] = null;
    const answered = respondError(error, req, res);
    return answered === undefined ? res[BUILD](head) : answered.then(() => res[BUILD](head));
  }
}

/**
 * The last step of every request, picked once per compiled app: without `onSend` hooks it
 * stays synchronous (building the `Response`, then firing any `onResponse` hooks, which are
 * not awaited); `onSend` hooks may wait, so with them it is async.
 */
export function responder(hooks: RequestHooks, respondError: ErrorResponder, closing: ClosingState): Finish {
  if (hooks.onSend.length === 0) {
    if (hooks.onResponse.length === 0) return (req, res) => build(req, res, respondError, closing);
    return (req, res) => {
      const built = build(req, res, respondError, closing);
      if (built instanceof Promise)
        return built.then((response) => {
          fireOnResponse(hooks, req, res, response);
          return response;
        });
      fireOnResponse(hooks, req, res, built);
      return built;
    };
  }
  return async (req, res) => {
    await runOnSend(hooks, req, res);
    const response = await build(req, res, respondError, closing);
    fireOnResponse(hooks, req, res, response);
    return response;
  };
}

/**
 * Answers an error raised before any route ran (or before its chain: a refused body), still
 * through the app-level middleware. `finish` is the app's, unless a route's timeout wraps it.
 */
export function fail(
  compiled: CompiledApp,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  error: unknown,
  finish: Finish = compiled.finish,
): Response | Promise<Response> {
  const rethrow = () => {
    throw error;
  };
  return runChain(compose([...compiled.middleware, rethrow], compiled.respondError), req, res, finish);
}
