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

  /**
   * Runs handler `index`. `up` is the caller's frame: when this level's promise is about to
   * settle with nothing left to wait for, it clears `up.downstream`, so the caller's level ends
   * without adopting an already settled promise (two microtasks per level saved).
   */
  const step = (
    index: number,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    up: Frame | undefined,
  ): Pending => {
    const fn = handlers[index]!;
    const frame: Frame = { downstream: undefined, called: false };
    const next: Next = (error?: unknown) => {
      if (!frame.called) {
        frame.called = true;
        if (error !== undefined && error !== null) frame.downstream = onError(error, req, res);
        else if (index + 1 < count) frame.downstream = step(index + 1, req, res, frame);
      }
      return frame.downstream ?? DONE;
    };
    let result: unknown;
    try {
      result = fn(req, res, next);
    } catch (error) {
      return onError(error, req, res);
    }
    // `return next()` in a sync middleware hands back DONE when the rest of the chain already
    // finished synchronously: stay on the sync path instead of paying a promise hop per level.
    // `res` itself (`return res.json(...)`) leaves nothing to apply.
    if (result === undefined || result === DONE || result === res) return frame.downstream;
    if (result instanceof Promise || isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          applyResult(res, value);
          const downstream = frame.downstream;
          if (downstream === undefined && up !== undefined) up.downstream = undefined;
          return downstream;
        },
        (error) => onError(error, req, res),
      );
    }
    applyResult(res, result);
    return frame.downstream;
  };

  return (req, res) => step(0, req, res, undefined);
}

/** What a level of a chain leaves to wait for. */
type Pending = Promise<void> | undefined;

/** One level of a running chain: what `next()` started, once. */
interface Frame {
  downstream: Pending;
  called: boolean;
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
