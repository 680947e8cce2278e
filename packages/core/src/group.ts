import { isPlugin, type Plugin, pluginRecord } from "./plugin";
import { type CheckedRouteOptions, checkRouteOptions } from "./route-options";
import type { JoinPath, ParamsOf } from "./router/params";
import { joinPaths, normalizePattern, parsePattern } from "./router/pattern";
import { checkRouteDetail, checkRouteSchema, checkWsSchema } from "./schema/check";
import type { ParamsFor, RequestShape, RequestShapeOf, ResponseShapeOf } from "./schema/infer";
import type { GroupOptions, RouteDetail, RouteSchema, WebSocketRouteSchema } from "./schema/types";
import type { Handler, Middleware, RouteOptions, SchemaRouteOptions } from "./types";
import { checkWsOrigins } from "./ws/origins";
import type { WsHandlers, WsRouteDefinition } from "./ws/types";

/** A route as registered on a group, before compilation. */
export interface RouteDefinition {
  method: string;
  /** Path relative to the group's prefix. */
  path: string;
  handlers: Handler<any>[];
  options: CheckedRouteOptions;
}

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

/** A middleware registration on a group; `path` limits it to a sub-path (whole segments). */
export interface MiddlewareEntry {
  path: string | null;
  fn: Middleware;
}

/**
 * `app.get(path, ...handlers)` / `app.get(path, options, ...handlers)`, with params inferred
 * from the path, and with `options.schema` the request parts and response bodies inferred
 * from the schemas (middleware first, the typed handler last).
 */
export interface RouteMethod<Prefix extends string, Self> {
  <Path extends string>(
    path: Path,
    ...handlers: (Handler<ParamsOf<JoinPath<Prefix, Path>>> | Plugin)[]
  ): Self;
  <Path extends string, S extends RouteSchema = {}>(
    path: Path,
    options: SchemaRouteOptions<S>,
    ...handlers: RouteHandlers<
      ParamsFor<S, ParamsOf<JoinPath<Prefix, Path>>>,
      RequestShapeOf<S>,
      ResponseShapeOf<S>
    >
  ): Self;
}

/** A route's handlers: middleware, then the handler whose returned value is checked. */
export type RouteHandlers<P, V extends RequestShape, Out> = [
  ...(Handler<P, V> | Plugin)[],
  Handler<P, V, Out> | Plugin,
];

/**
 * `app.ws(path, handlers)`: a WebSocket route, params inferred from the path and connection
 * data from the `upgrade` hook's result. With an explicit type (`app.ws<ChatData>(path, ...)`,
 * as in the seed) `ws.data` is `WsData & ChatData` and params are a string record.
 */
export type WsMethod<Prefix extends string, Self> = <
  Data extends object = {},
  Path extends string = string,
  S extends WebSocketRouteSchema = {},
>(
  path: Path,
  handlers: WsHandlers<ParamsFor<S, ParamsOf<JoinPath<Prefix, Path>>>, Data, S>,
) => Self;

/**
 * What a group holds: read by the route compiler (`app/routes.ts`) and by the app, never by
 * users (kept in a private field; {@link registryOf} is core's way in).
 */
export interface GroupRegistry {
  readonly routes: RouteDefinition[];
  readonly middleware: MiddlewareEntry[];
  readonly wsRoutes: WsRouteDefinition[];
  readonly children: { prefix: string; group: RouteGroup<any> }[];
  readonly parents: Set<RouteGroup<any>>;
  /** Set by an app on itself: told when anything in its tree changes. */
  changed: (() => void) | undefined;
  /** Set by an app on itself: installs a plugin (a router applies a plugin's middleware instead). */
  install: ((plugin: Plugin) => void) | undefined;
  /** Schemas every route beneath gets (`Router(prefix, { schema })`), checked. */
  schema: RouteSchema | undefined;
  /** Detail every route beneath gets (`Router(prefix, { detail })`), checked. */
  detail: RouteDetail | undefined;
}

let readRegistry!: (group: RouteGroup<any>) => GroupRegistry;

/** The registrations of a group (core only: the compiler and the app read them). */
export function registryOf(group: RouteGroup<any>): GroupRegistry {
  return readRegistry(group);
}

/** Tells the app (through every ancestor) that its compiled routes are stale. */
function invalidate(group: RouteGroup<any>): void {
  const registry = readRegistry(group);
  registry.changed?.();
  for (const parent of registry.parents) invalidate(parent);
}

/** Whether `other` is mounted somewhere inside `group`. */
function contains(group: RouteGroup<any>, other: RouteGroup<any>): boolean {
  return readRegistry(group).children.some((c) => c.group === other || contains(c.group, other));
}

const WS_HANDLERS = ["upgrade", "open", "message", "close", "drain", "error"] as const;

/** Methods routes can be registered for; `ALL` matches any method. */
export const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "ALL"] as const;

/** A registered HTTP method. */
export type Method = (typeof METHODS)[number];

/**
 * A group of routes and middleware under a prefix. `Router("books")` creates one; `app.routes`
 * mounts it. Groups nest, and routes added after mounting are still served.
 *
 * @typeParam Prefix - the group's prefix, so handler params include the prefix's params.
 */
export class RouteGroup<Prefix extends string = ""> {
  readonly #registry: GroupRegistry = {
    routes: [],
    middleware: [],
    wsRoutes: [],
    children: [],
    parents: new Set(),
    changed: undefined,
    install: undefined,
    schema: undefined,
    detail: undefined,
  };
  /** The group's prefix, normalised (`"books"` → `"/books"`, `""` for none). */
  readonly prefix: string;

  static {
    readRegistry = (group) => group.#registry;
  }

  /**
   * @param prefix - the group's prefix (`"books"` serves `/books/...`).
   * @param options - `schema` and `detail` every route beneath gets (see {@link GroupOptions}).
   */
  constructor(prefix?: Prefix, options?: GroupOptions) {
    this.prefix = prefix ? normalizePattern(prefix) : "";
    if (this.prefix === "/") this.prefix = "";
    if (options !== undefined) {
      const where = `Router("${this.prefix}")`;
      if (options === null || typeof options !== "object" || Array.isArray(options))
        throw new TypeError(`${where}: options must be an object`);
      for (const key of Object.keys(options))
        if (key !== "schema" && key !== "detail")
          throw new TypeError(`${where}: unknown option "${key}" (known: schema, detail)`);
      if (options.schema !== undefined) this.#registry.schema = checkRouteSchema(options.schema, where);
      if (options.detail !== undefined) this.#registry.detail = checkRouteDetail(options.detail, where);
    }
  }

  #add(method: string, path: string, args: unknown[]): this {
    if (typeof path !== "string") throw new TypeError(`${method} route: the path must be a string`);
    let options: CheckedRouteOptions = {};
    let handlers = args;
    if (args.length > 0 && typeof args[0] === "object" && args[0] !== null && !isPlugin(args[0])) {
      options = checkRouteOptions(args[0], `${method} ${path}`);
      handlers = args.slice(1);
    }
    if (handlers.length === 0) throw new TypeError(`${method} ${path}: at least one handler is required`);
    parsePattern(joinPaths(this.prefix, path)); // reject a bad pattern here, at the call site
    const fns = handlers.map((h, i) => asMiddleware(h, `${method} ${path}: handler #${i + 1}`));
    this.#registry.routes.push({ method, path, handlers: fns, options });
    invalidate(this);
    return this;
  }

  /** Registers a GET route (also answers HEAD, without a body). */
  get: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("GET", path, args);
  /** Registers a POST route. */
  post: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("POST", path, args);
  /** Registers a PUT route. */
  put: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("PUT", path, args);
  /** Registers a DELETE route. */
  delete: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("DELETE", path, args);
  /** Registers a PATCH route. */
  patch: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("PATCH", path, args);
  /** Registers an OPTIONS route (otherwise OPTIONS is answered automatically with `Allow`). */
  options: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("OPTIONS", path, args);
  /** Registers a HEAD route (otherwise HEAD is answered by the GET route). */
  head: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("HEAD", path, args);
  /** Registers a route for every method. */
  all: RouteMethod<Prefix, this> = (path: string, ...args: unknown[]) => this.#add("ALL", path, args);

  /**
   * Registers a WebSocket route. The app's middleware and the route's `upgrade` hook run on the
   * upgrade request; `ws.data` holds `params`, `query`, `cookies` and what `upgrade` returned.
   * A plain GET to a WebSocket-only path is answered 426.
   *
   * @example
   * app.ws("/rooms/:room", {
   *   open(ws) { ws.subscribe(ws.data.params.room); },
   *   message(ws, message) { app.publish(ws.data.params.room, String(message)); },
   * });
   */
  ws: WsMethod<Prefix, this> = (path: string, handlers: WsHandlers<any, any, any>) => {
    if (typeof path !== "string") throw new TypeError("ws route: the path must be a string");
    if (handlers === null || typeof handlers !== "object")
      throw new TypeError(`ws ${path}: the second argument must be an object of handlers`);
    for (const name of WS_HANDLERS) {
      const fn = handlers[name];
      if (fn !== undefined && typeof fn !== "function")
        throw new TypeError(`ws ${path}: "${name}" must be a function`);
    }
    parsePattern(joinPaths(this.prefix, path));
    const where = `ws ${path}`;
    const schema = handlers.schema === undefined ? undefined : checkWsSchema(handlers.schema, where);
    const detail = handlers.detail === undefined ? undefined : checkRouteDetail(handlers.detail, where);
    const origins =
      handlers.allowOrigins === undefined
        ? undefined
        : checkWsOrigins(handlers.allowOrigins, `${where}: allowOrigins`);
    this.#registry.wsRoutes.push({ path, handlers, schema, detail, origins });
    invalidate(this);
    return this;
  };

  /** Registers a route for one method given as a string (`"get"`, `"PROPFIND"`...). */
  on(method: string, path: string, ...args: unknown[]): this {
    return this.#add(method.toUpperCase(), path, args);
  }

  /**
   * Adds middleware. Without a path it runs for every route of this group (and, on the app,
   * for every request). With a path it runs for that path and below, by whole segments:
   * `use("/panel", fn)` covers `/panel` and `/panel/x`, never `/panelx`. A group given here is
   * mounted under the path, like `routes`.
   */
  use(...fns: (Middleware | RouteGroup<any> | Plugin)[]): this;
  use(path: string, ...fns: (Middleware | RouteGroup<any> | Plugin)[]): this;
  use(...args: unknown[]): this {
    let path: string | null = null;
    if (typeof args[0] === "string") path = normalizePattern(args.shift() as string);
    if (args.length === 0) throw new TypeError("use() needs at least one middleware");
    for (const fn of args) {
      if (isPlugin(fn) && path === null) this.#install(fn);
      else if (fn instanceof RouteGroup) this.routes(fn, path ?? "");
      else if (typeof fn === "function" || isPlugin(fn))
        this.#registry.middleware.push({
          path: path === "/" ? null : path,
          fn: asMiddleware(fn, `use("${path}")`),
        });
      else throw new TypeError("use() takes middleware functions, routers or plugins");
    }
    invalidate(this);
    return this;
  }

  /** Mounts a router (optionally under an extra prefix). Its later additions are served too. */
  routes(group: RouteGroup<any>, prefix = ""): this {
    if (!(group instanceof RouteGroup)) throw new TypeError("routes() takes a Router()");
    if (group === this || contains(group, this)) throw new Error("A router cannot be mounted inside itself");
    this.#registry.children.push({ prefix: prefix ? normalizePattern(prefix) : "", group });
    readRegistry(group).parents.add(this);
    invalidate(this);
    return this;
  }

  /**
   * Plugins install themselves on the app; on a router, a plugin that is also a middleware
   * applies to the router's routes only, as plain middleware.
   */
  #install(plugin: Plugin): void {
    const registry = this.#registry;
    if (registry.install !== undefined) {
      registry.install(plugin);
      return;
    }
    const record = pluginRecord(plugin);
    if (record.middleware === undefined)
      throw new TypeError(`Plugin "${record.name}" is installed on the app: use app.use(), not router.use()`);
    registry.middleware.push({ path: null, fn: record.middleware });
  }

  /** The router's prefix (`"/books"`, or `""` for none), as the original Harpia's `getPrefix()`. */
  getPrefix(): string {
    return this.prefix;
  }

  /**
   * Every route this router serves, mounted routers included, in registration order: a
   * snapshot in the original Harpia's shape (`{ method, path, handlers, controller }`, paths
   * relative to this router's own prefix). Changing it changes nothing; `router.use()`
   * middleware is applied when the router is mounted and is not listed.
   *
   * @example
   * for (const route of app.list()) console.log(route.method, route.path);
   */
  list(): ListedRoute[] {
    const out: ListedRoute[] = [];
    collect(this, "", out, undefined);
    return out;
  }

  /** Every WebSocket route this router serves (mounted routers included), like {@link list}. */
  wsList(): WsRouteInfo[] {
    const out: WsRouteInfo[] = [];
    collect(this, "", undefined, out);
    return out;
  }

  /**
   * Adds routes in the shape `list()` returns, under an optional prefix: the original Harpia's
   * `register({ routes, wsRoutes, prefix })`. It copies the routes; `routes(router)` mounts a
   * router instead (keeping its middleware and serving what it registers later).
   *
   * @example
   * app.register({ routes: books.list(), wsRoutes: books.wsList(), prefix: books.getPrefix() });
   */
  register(input: RegisterInput): this {
    if (input === null || typeof input !== "object" || !Array.isArray(input.routes))
      throw new TypeError("register() takes { routes, wsRoutes?, prefix? } with routes as an array");
    const prefix = input.prefix ?? "";
    if (typeof prefix !== "string") throw new TypeError("register(): prefix must be a string");
    if (input.wsRoutes !== undefined && !Array.isArray(input.wsRoutes))
      throw new TypeError("register(): wsRoutes must be an array");
    for (const route of input.routes) {
      if (route === null || typeof route !== "object" || typeof route.method !== "string")
        throw new TypeError("register(): every route needs a method, a path and handlers");
      const handlers = [...(route.handlers ?? [])];
      if (route.controller !== undefined) handlers.push(route.controller);
      const args: unknown[] = route.options ? [route.options, ...handlers] : handlers;
      this.#add(route.method.toUpperCase(), joinPaths(prefix, route.path), args);
    }
    for (const route of input.wsRoutes ?? []) this.ws(joinPaths(prefix, route.path), route.handlers);
    return this;
  }
}

/** Appends a group's routes to `routes` and its WebSocket routes to `ws`, paths under `base`. */
function collect(group: RouteGroup<any>, base: string, routes?: ListedRoute[], ws?: WsRouteInfo[]): void {
  const at = (path: string) => (base === "" ? path : joinPaths(base, path));
  const registry = readRegistry(group);
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
    collect(child.group, joinPaths(base, child.prefix, child.group.prefix), routes, ws);
}

/**
 * Creates a router, optionally with a prefix (`Router("books")` serves `/books/...`) and with
 * `schema`/`detail` every route beneath gets (a route's own entry replaces the router's per
 * key; `detail.tags` concatenate).
 *
 * @example
 * const books = Router("books", { detail: { tags: ["books"] } });
 * books.get("/:id", (req, res) => res.json({ id: req.params.id }));
 * app.routes(books);
 */
export const Router: RouterFactory = function Router(prefix?: string, options?: GroupOptions) {
  return new RouteGroup(prefix, options);
} as RouterFactory;

/** {@link Router}: called as a function or with `new`, both give a {@link RouteGroup}. */
export interface RouterFactory {
  <Prefix extends string = "">(prefix?: Prefix, options?: GroupOptions): RouteGroup<Prefix>;
  new <Prefix extends string = "">(prefix?: Prefix, options?: GroupOptions): RouteGroup<Prefix>;
}

/**
 * What runs for a handler given at registration: a function as is, a plugin as its middleware
 * (a session or CSRF plugin on one route or path); anything else is refused, naming `where`.
 */
function asMiddleware(value: unknown, where: string): Handler<any> {
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
