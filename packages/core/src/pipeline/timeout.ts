/**
 * Route timeouts: a route with `timeout` races its body read and chain against a timer. Past
 * it, the client gets a 503 `TIMEOUT` through the error path, `req.signal` aborts with a
 * `TimeoutError`, and whatever the route does afterwards changes nothing: the answer is built
 * on a response of its own, and the route's late finish is skipped. Routes without a timeout
 * never come here (no timer, no promise).
 */
import { ErrorCode, HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import { HarpiaResponse } from "../response";
import { ABORT, CREATE, DEADLINE, HAS_HEADERS, HAS_LOCALS, WIRE } from "../symbols";
import type { Finish } from "./chain";
import type { CompiledApp } from "./compiled";

/**
 * Runs `run` (the route's body policy and chain, finishing with the `finish` it is given) within
 * `ms` milliseconds. The timer stops once the route's response starts being built (the chain
 * is done): the timeout bounds the time to the response's head, not a streamed body.
 */
export function withDeadline(
  compiled: CompiledApp,
  ms: number,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  run: (finish: Finish) => Response | Promise<Response>,
): Response | Promise<Response> {
  req[DEADLINE] = true;
  let answer: Promise<Response> | undefined;
  let resolve: ((response: Response | Promise<Response>) => void) | undefined;
  const timer = setTimeout(() => {
    answer = timeOut(compiled, ms, req, res);
    resolve?.(answer);
  }, ms);
  // The route's own finish: once it starts, the timeout no longer applies; after a timeout it
  // is skipped (the late chain "finishes" with the answer already given).
  const finish: Finish = (request, response) => {
    if (answer !== undefined) return answer;
    clearTimeout(timer);
    return compiled.finish(request, response);
  };
  let result: Response | Promise<Response>;
  try {
    result = run(finish);
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  if (!(result instanceof Promise)) {
    clearTimeout(timer);
    return result;
  }
  return new Promise<Response>((settle, reject) => {
    resolve = settle;
    result.then(
      (response) => {
        if (answer === undefined) settle(response);
      },
      (error) => {
        clearTimeout(timer);
        if (answer === undefined) reject(error);
      },
    );
  });
}

/**
 * The timeout passed: aborts `req.signal`, then answers a 503 through the app's error handler
 * and the `onSend`/`onResponse` hooks, on a response the route cannot reach. Headers the
 * middleware set so far (CORS, cookies...) are carried over, as on any error.
 */
function timeOut(
  compiled: CompiledApp,
  ms: number,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Promise<Response> {
  const message = `The request took longer than ${ms} ms`;
  req[ABORT](new DOMException(message, "TimeoutError"));
  const answer = HarpiaResponse[CREATE](compiled.signer, compiled.views, req.raw);
  answer.req = req;
  answer[WIRE] = res[WIRE];
  if (res[HAS_HEADERS]) for (const [name, value] of res.headers) answer.headers.append(name, value);
  if (res[HAS_LOCALS]) answer.locals = res.locals;
  const error = new HttpError(503, message, { code: ErrorCode.TIMEOUT, expose: true });
  // Reported as a server error; a stack would point at the timer, not at what was slow.
  error.stack = `HttpError: ${message}`;
  return Promise.resolve(compiled.respondError(error, req, answer)).then(() => compiled.finish(req, answer));
}
