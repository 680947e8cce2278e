/**
 * The file field an upload middleware reads, carried by the middleware itself so the route table
 * can list it at registration (as `ROUTE_OPTIONS` carries its body kind and limit). Core's own:
 * the symbol is not exported by the package.
 */
import type { RouteFileInfo } from "../schema/types";

/** `middleware[FILE_FIELD]`: the frozen {@link RouteFileInfo} of an `Upload`'s middleware. */
export const FILE_FIELD: unique symbol = Symbol("harpia.fileField");

/** A function that may carry a file field. */
type Carrier = { [FILE_FIELD]?: RouteFileInfo };

/** Attaches `info` (frozen, lists included) to `middleware` and returns it. */
export function withFileField<M extends (...args: any[]) => unknown>(middleware: M, info: RouteFileInfo): M {
  const frozen: RouteFileInfo = { ...info };
  if (info.types !== undefined) frozen.types = Object.freeze([...info.types]);
  if (info.extensions !== undefined) frozen.extensions = Object.freeze([...info.extensions]);
  (middleware as M & Carrier)[FILE_FIELD] = Object.freeze(frozen);
  return middleware;
}

/** The file field `fn` carries, if any. */
export function fileFieldOf(fn: unknown): RouteFileInfo | undefined {
  return typeof fn === "function" ? (fn as Carrier)[FILE_FIELD] : undefined;
}
