/**
 * What a group's registration methods take, checked at the call site: `Router()`'s options,
 * a route's arguments (options object, handlers, plugins as route middleware) and a WebSocket
 * route's handlers. Each returns the checked record the group stores; none keeps state.
 */
import { isPlugin, type Plugin, pluginRecord } from "../plugin";
import { type CheckedRouteOptions, checkRouteOptions } from "../route-options";
import { joinPaths, parsePattern } from "../router/pattern";
import { checkRouteDetail, checkRouteSchema, checkWsSchema } from "../schema/check";
import type { GroupOptions, RouteDetail, RouteSchema } from "../schema/types";
import type { Handler, Middleware } from "../types";
import { checkWsOrigins } from "../ws/origins";
import type { WsHandlers, WsRouteDefinition } from "../ws/types";

/** A route as registered on a group, before compilation. */
export interface RouteDefinition {
  method: string;
  /** Path relative to the group's prefix. */
  path: string;
  handlers: Handler<any>[];
  options: CheckedRouteOptions;
}

/** A middleware registration on a group; `path` limits it to a sub-path (whole segments). */
export interface MiddlewareEntry {
  path: string | null;
  fn: Middleware;
}

const WS_HANDLERS = ["upgrade", "open", "message", "close", "drain", "error"] as const;

/** `Router(prefix, options)`'s options, checked: the schema and detail every route beneath gets. */
export function checkGroupOptions(
  options: GroupOptions,
  prefix: string,
): { schema: RouteSchema | undefined; detail: RouteDetail | undefined } {
  const where = `Router("${prefix}")`;
  if (options === null || typeof options !== "object" || Array.isArray(options))
    throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(options))
    if (key !== "schema" && key !== "detail")
      throw new TypeError(`${where}: unknown option "${key}" (known: schema, detail)`);
  return {
    schema: options.schema === undefined ? undefined : checkRouteSchema(options.schema, where),
    detail: options.detail === undefined ? undefined : checkRouteDetail(options.detail, where),
  };
}

/**
 * A route from `group.get(path, options?, ...handlers)`'s arguments (`args` after the path):
 * an object first that is not a plugin is the route's options. The pattern is checked joined to
 * the group's `prefix`, so a bad one is reported here, at the call site.
 */
export function routeDefinition(
  method: string,
  path: string,
  prefix: string,
  args: unknown[],
): RouteDefinition {
  if (typeof path !== "string") throw new TypeError(`${method} route: the path must be a string`);
  let options: CheckedRouteOptions = {};
  let handlers = args;
  if (args.length > 0 && typeof args[0] === "object" && args[0] !== null && !isPlugin(args[0])) {
    options = checkRouteOptions(args[0], `${method} ${path}`);
    handlers = args.slice(1);
  }
  if (handlers.length === 0) throw new TypeError(`${method} ${path}: at least one handler is required`);
  parsePattern(joinPaths(prefix, path)); // reject a bad pattern here, at the call site
  const fns = handlers.map((h, i) => asMiddleware(h, `${method} ${path}: handler #${i + 1}`));
  return { method, path, handlers: fns, options };
}

/** A WebSocket route from `group.ws(path, handlers)`, its handlers, schema, detail and origins checked. */
export function wsRouteDefinition(
  path: string,
  prefix: string,
  handlers: WsHandlers<any, any, any>,
): WsRouteDefinition {
  if (typeof path !== "string") throw new TypeError("ws route: the path must be a string");
  if (handlers === null || typeof handlers !== "object")
    throw new TypeError(`ws ${path}: the second argument must be an object of handlers`);
  for (const name of WS_HANDLERS) {
    const fn = handlers[name];
    if (fn !== undefined && typeof fn !== "function")
      throw new TypeError(`ws ${path}: "${name}" must be a function`);
  }
  parsePattern(joinPaths(prefix, path));
  const where = `ws ${path}`;
  const schema = handlers.schema === undefined ? undefined : checkWsSchema(handlers.schema, where);
  const detail = handlers.detail === undefined ? undefined : checkRouteDetail(handlers.detail, where);
  const origins =
    handlers.allowOrigins === undefined
      ? undefined
      : checkWsOrigins(handlers.allowOrigins, `${where}: allowOrigins`);
  return { path, handlers, schema, detail, origins };
}

/**
 * What a plugin given to `router.use()` (on a router, not the app) adds: its middleware, for
 * the router's routes only; a plugin without one is refused.
 */
export function routerPluginMiddleware(plugin: Plugin): Middleware {
  const record = pluginRecord(plugin);
  if (record.middleware === undefined)
    throw new TypeError(`Plugin "${record.name}" is installed on the app: use app.use(), not router.use()`);
  return record.middleware;
}

/**
 * What runs for a handler given at registration: a function as is, a plugin as its middleware
 * (a session or CSRF plugin on one route or path); anything else is refused, naming `where`.
 */
export function asMiddleware(value: unknown, where: string): Handler<any> {
  if (typeof value === "function") return value as Handler<any>;
  if (isPlugin(value)) {
    const record = pluginRecord(value);
    if (record.middleware !== undefined) return record.middleware;
    throw new TypeError(
      `${where}: plugin "${record.name}" has no route middleware; install it with app.use()`,
    );
  }
  throw new TypeError(`${where} is not a function`);
}
