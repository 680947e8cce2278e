/**
 * The chain step of the request path: a route's handlers composed once into one function, and
 * running it into the final step (`respond`).
 */
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { Handler, Next } from "../types";
import { isThenable } from "../utils/promise";

/** Answers an error on `res`; must not reject. */
export type ErrorResponder = (
  error: unknown,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
) => Promise<void> | undefined;

/** A composed chain: runs to completion and leaves the outcome on `res`. Never rejects. */
export type Chain = (req: HarpiaRequest<any>, res: HarpiaResponse) => Promise<void> | undefined;

const DONE: Promise<void> = Promise.resolve();

/** An object literal, or an object without prototype (`req.params`, `req.query`, form bodies). */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Applies what a handler returned: a Response, Blob, string or plain object becomes the body. */
export function applyResult(res: HarpiaResponse, value: unknown): void {
  if (value === undefined || value === res || value === null) return;
  if (typeof value === "string" || value instanceof Response || value instanceof Blob) {
    res.send(value);
  } else if (typeof value === "object" && (Array.isArray(value) || isPlainObject(value))) {
    res.send(value as Record<string, unknown>);
  }
}

/**
 * Composes handlers into one chain, once, at registration.
 *
 * - Onion order: code after `await next()` runs after everything downstream.
 * - A middleware that calls `next()` without awaiting it is still waited for.
 * - A middleware that neither calls `next()` nor throws ends the chain: the response is
 *   whatever it left on `res` (no request ever hangs).
 * - A throw, a rejection or `next(err)` is answered by `onError` where it happens, so outer
 *   middleware (loggers, telemetry) observe the final status after `await next()`.
 */
export function compose(handlers: readonly Handler<any>[], onError: ErrorResponder): Chain {
  const count = handlers.length;
  if (count === 0) return () => {};

  const step = (index: number, req: HarpiaRequest<any>, res: HarpiaResponse): Promise<void> | undefined => {
    const fn = handlers[index]!;
    let downstream: Promise<void> | undefined;
    let called = false;
    const next: Next = (error?: unknown) => {
      if (!called) {
        called = true;
        if (error !== undefined && error !== null) downstream = onError(error, req, res);
        else if (index + 1 < count) downstream = step(index + 1, req, res);
      }
      return downstream ?? DONE;
    };
    let result: unknown;
    try {
      result = fn(req, res, next);
    } catch (error) {
      return onError(error, req, res);
    }
    // `return next()` in a sync middleware hands back DONE when the rest of the chain already
    // finished synchronously: stay on the sync path instead of paying a promise hop per level.
    if (result === DONE) return downstream;
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          applyResult(res, value);
          return downstream;
        },
        (error) => onError(error, req, res),
      );
    }
    applyResult(res, result);
    return downstream;
  };

  return (req, res) => step(0, req, res);
}

/** The last step of a request: `res` becomes the one `Response` (see `respond.ts`). */
export type Finish = (req: HarpiaRequest<any>, res: HarpiaResponse) => Response | Promise<Response>;

/** Runs `chain`, then hands `res` to `finish`; sync all the way when the chain is sync. */
export function runChain(
  chain: Chain,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  finish: Finish,
): Response | Promise<Response> {
  const pending = chain(req, res);
  if (pending === undefined) return finish(req, res);
  return pending.then(() => finish(req, res));
}
