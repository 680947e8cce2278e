/**
 * The original Harpia's listing shape: what `router.list()` and `router.wsList()` report (a
 * snapshot of a group's tree) and what `router.register()` takes back. Works on what a group's
 * registry holds, read through a function the group passes, so `group.ts` is not imported back.
 */
import { joinPaths } from "../router/pattern";
import type { Handler, RouteOptions } from "../types";
import type { WsHandlers, WsRouteDefinition } from "../ws/types";
import type { RouteDefinition } from "./registration";

/**
 * A route as `router.list()` reports it, in the original Harpia's shape: the middleware in
 * `handlers`, the final handler in `controller`. `register()` takes the same shape. (For the
 * documentation view of every route, with schemas, see `app.routeTable()`.)
 */
export interface ListedRoute {
  method: string;
  /**
   * Path relative to the listing router's own prefix (as the original reported it), with the
   * prefixes of the routers mounted inside it: `Router("books").get("/:id")` lists `/:id`, and
   * the app that mounted it lists `/books/:id`.
   */
  path: string;
  /** The route's middleware, before the final handler. */
  handlers: Handler<any>[];
  /** The final handler. */
  controller: Handler<any>;
  /** The route's options (body limit, accepted bodies...), so `register(list())` keeps them. */
  options?: RouteOptions;
}

/** A WebSocket route as `router.wsList()` reports it; the path follows {@link ListedRoute.path}. */
export interface WsRouteInfo {
  path: string;
  handlers: WsHandlers<any, any, any>;
}

/** What `router.register()` takes: the original Harpia's `{ routes, wsRoutes, prefix }`. */
export interface RegisterInput {
  routes: ListedRoute[];
  wsRoutes?: WsRouteInfo[];
  /** Prepended to every path (`"/books"` or `"books"`). */
  prefix?: string;
}

/** What listing reads of a group: its registrations and the groups mounted in it. */
export interface ListSource<G> {
  readonly routes: readonly RouteDefinition[];
  readonly wsRoutes: readonly WsRouteDefinition[];
  readonly children: readonly { prefix: string; group: G }[];
}

/** A group as listing sees it: its prefix; its registrations come from the reader. */
type Listed = { readonly prefix: string };

/** Every route of `group`'s tree, in registration order, paths relative to `group`'s prefix. */
export function listRoutes<G extends Listed>(read: (group: G) => ListSource<G>, group: G): ListedRoute[] {
  const out: ListedRoute[] = [];
  collect(read, group, "", out, undefined);
  return out;
}

/** Every WebSocket route of `group`'s tree, like {@link listRoutes}. */
export function listWsRoutes<G extends Listed>(read: (group: G) => ListSource<G>, group: G): WsRouteInfo[] {
  const out: WsRouteInfo[] = [];
  collect(read, group, "", undefined, out);
  return out;
}

/** Appends a group's routes to `routes` and its WebSocket routes to `ws`, paths under `base`. */
function collect<G extends Listed>(
  read: (group: G) => ListSource<G>,
  group: G,
  base: string,
  routes?: ListedRoute[],
  ws?: WsRouteInfo[],
): void {
  const at = (path: string) => (base === "" ? path : joinPaths(base, path));
  const registry = read(group);
  if (routes) {
    for (const route of registry.routes) {
      const handlers = route.handlers.slice(0, -1);
      const controller = route.handlers[route.handlers.length - 1]!;
      routes.push({
        method: route.method,
        path: at(route.path),
        handlers,
        controller,
        options: route.options,
      });
    }
  }
  if (ws) for (const route of registry.wsRoutes) ws.push({ path: at(route.path), handlers: route.handlers });
  for (const child of registry.children)
    collect(read, child.group, joinPaths(base, child.prefix, child.group.prefix), routes, ws);
}

/**
 * Walks `register(input)`'s input, checking it as it goes: each route is handed to `route` as
 * the arguments of `group.on(method, path, ...args)` (options first when given), then each
 * WebSocket route to `ws`, with the prefix joined to every path.
 */
export function forEachRegistered(
  input: RegisterInput,
  route: (method: string, path: string, args: unknown[]) => void,
  ws: (path: string, handlers: WsHandlers<any, any, any>) => void,
): void {
  if (input === null || typeof input !== "object" || !Array.isArray(input.routes))
    throw new TypeError("register() takes { routes, wsRoutes?, prefix? } with routes as an array");
  const prefix = input.prefix ?? "";
  if (typeof prefix !== "string") throw new TypeError("register(): prefix must be a string");
  if (input.wsRoutes !== undefined && !Array.isArray(input.wsRoutes))
    throw new TypeError("register(): wsRoutes must be an array");
  for (const listed of input.routes) {
    if (listed === null || typeof listed !== "object" || typeof listed.method !== "string")
      throw new TypeError("register(): every route needs a method, a path and handlers");
    const handlers = [...(listed.handlers ?? [])];
    if (listed.controller !== undefined) handlers.push(listed.controller);
    const args: unknown[] = listed.options ? [listed.options, ...handlers] : handlers;
    route(listed.method.toUpperCase(), joinPaths(prefix, listed.path), args);
  }
  for (const listed of input.wsRoutes ?? []) ws(joinPaths(prefix, listed.path), listed.handlers);
}
