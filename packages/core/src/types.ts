import type { HarpiaRequest } from "./request";
import type { HarpiaResponse } from "./response";
import { checkRouteOptions, type RouteOptions } from "./route-options";
import type { RequestShape, SuccessBody } from "./schema/infer";

export type { RouteBaseOptions, RouteOptions, SchemaRouteOptions } from "./route-options";

/**
 * Continues with the next middleware or the handler. Await it to run code after the rest of
 * the chain (onion order). Passing an error (`next(err)`) answers with the error handler.
 * It resolves once the rest of the chain is done, and never rejects: errors downstream are
 * answered there, so `res.statusCode` already holds the final status when it resolves.
 */
export type Next = (error?: unknown) => Promise<void>;

/** The original Harpia's name for {@link Next}, kept for apps moving from `@harpiats/core`. */
export type NextFunction = Next;

/**
 * A route handler or middleware: `(req, res, next)`. It may be sync or async. It may return a
 * `Response`, a `Blob`/`Bun.file`, a string or a plain object instead of calling `res.send`.
 *
 * @typeParam P - the route's params.
 * @typeParam V - the request parts the route's schemas validated (see `RouteSchema`).
 * @typeParam Out - response bodies by status, from `schema.response` (`unknown`: anything).
 */
export type Handler<P = Record<string, string>, V extends RequestShape = {}, Out = unknown> = (
  req: HarpiaRequest<P, V>,
  res: HarpiaResponse<Out>,
  next: Next,
) => HandlerResult<Out>;

/**
 * What a handler may return: anything without response schemas; with them, a success body
 * (2xx) of the schemas, a `Response`, `res`, or nothing (after `res.json()`, `next()`...).
 */
export type HandlerResult<Out> = unknown extends Out ? unknown : Reply<Out> | Promise<Reply<Out>>;

// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is typed `void`.
type Reply<Out> = SuccessBody<Out> | Response | HarpiaResponse<any, any> | undefined | void;

/** A middleware: a handler that usually calls `next()`; it fits any route, schemas or not. */
export type Middleware = Handler<any, any, any>;

/** Error handler for `app.setErrorHandler`. */
export type ErrorHandler = (error: unknown, req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;

/**
 * A function may carry route options for the routes it is attached to (for example an upload
 * middleware raising the body limit). Read at registration, never per request.
 */
export const ROUTE_OPTIONS: unique symbol = Symbol.for("harpia.routeOptions");

/** A middleware carrying {@link RouteOptions} (see {@link withRouteOptions}). */
export type MiddlewareWithOptions = Middleware & { [ROUTE_OPTIONS]?: RouteOptions };

/**
 * Attaches route options to a middleware so every route using it gets them. The options are
 * checked here (a `TypeError` names a wrong one); the largest `bodyLimit` among a route's
 * middleware applies unless the route sets its own.
 */
export function withRouteOptions<M extends Middleware>(middleware: M, options: RouteOptions): M {
  if (typeof middleware !== "function")
    throw new TypeError("withRouteOptions: the middleware must be a function");
  const checked = checkRouteOptions(options, "withRouteOptions");
  if (checked.schema !== undefined || checked.detail !== undefined)
    throw new TypeError(
      "withRouteOptions: schema and detail belong to a route or a Router, not a middleware",
    );
  (middleware as MiddlewareWithOptions)[ROUTE_OPTIONS] = checked;
  return middleware;
}
