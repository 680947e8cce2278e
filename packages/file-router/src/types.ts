import type { HarpiaRequest, HarpiaResponse, Next } from "@harpia/core";
import type { CompatHeaders } from "./compat-headers";

/** The request a file route receives: core's request with Express-style `req.headers`. */
export type FileRequest<P = Record<string, string>> = HarpiaRequest<P> & { readonly headers: CompatHeaders };

/** A route method of a route class: `async world(req, res) { ... }`. */
export type FileHandler<P = Record<string, string>> = (
  req: FileRequest<P>,
  res: HarpiaResponse,
  next: Next,
) => unknown;

/** A middleware listed in a route class's `middleware` map. */
export type FileMiddleware = (req: FileRequest<any>, res: HarpiaResponse, next: Next) => unknown;

/**
 * What a file under the routes folder exports by default (an instance, or a class the router
 * instantiates with no arguments).
 *
 * @example
 * export default new (class implements RouteModule {
 *   routes = { "get /hello/world": "world" };
 *   middleware = { "*": [authorized] };
 *   async world(req: FileRequest, res: HarpiaResponse) {
 *     return res.status(200).send({ message: "hello world" });
 *   }
 * })();
 */
export interface RouteModule {
  /** `'<method> <path>'` → name of the method that answers it. */
  routes: Record<string, string>;
  /**
   * `'*'` (every route method of the file) or a route method's name → middleware run before
   * it. Keys are applied top to bottom, a later key replacing what an earlier one gave; `[]`
   * leaves a method without middleware.
   */
  middleware?: Record<string, readonly FileMiddleware[] | FileMiddleware>;
}

/** A route the file router registered. */
export interface LoadedRoute {
  /** Upper-case method (`ALL` for every method). */
  method: string;
  /** The full path registered (with `prefix`). */
  path: string;
  /** The file that declared it, relative to the working directory. */
  file: string;
  /** The `routes` key as written. */
  key: string;
  /** The name of the method that answers it. */
  handler: string;
  /** How many middleware run before it (from the `middleware` map). */
  middleware: number;
}
