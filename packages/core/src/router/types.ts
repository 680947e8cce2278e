import type { Segment } from "./pattern";

/** What a router returns for a request: the route's value and its raw (undecoded) params. */
export interface RouteMatch<T> {
  value: T;
  /** Parameter names in pattern order, as registered. */
  names: readonly string[];
  /** Raw parameter values, same order as `names`, still percent-encoded. */
  values: string[];
}

/**
 * The contract between the app and a router implementation, kept small so a faster router
 * can be swapped in and benchmarked behind the same tests.
 *
 * - `add` is called at registration (compile time) only.
 * - `match` is called once per request. It must prefer static over parameter over wildcard
 *   segments, and only return a route registered for `method` (or `ALL`); `HEAD` falls back
 *   to `GET`.
 * - `allowed` lists the methods registered for paths matching `path` (used for 405 and the
 *   automatic OPTIONS answer; never on the hot path).
 */
export interface RouterEngine<T> {
  add(method: string, segments: Segment[], value: T): void;
  match(method: string, path: string): RouteMatch<T> | null;
  allowed(path: string): string[];
}
