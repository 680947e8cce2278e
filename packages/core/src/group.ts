/**
 * `RouteGroup` and `Router()`: routes, middleware and mounted routers under a prefix, kept in a
 * registry the app compiles. Checking what the methods take (`group/registration.ts`), their
 * typed signatures (`group/signatures.ts`) and the `list`/`register` shape (`group/listing.ts`)
 * live in their own modules; none of them imports this one.
 */
import {
  forEachRegistered,
  type ListedRoute,
  listRoutes,
  listWsRoutes,
  type RegisterInput,
  type WsRouteInfo,
} from "./group/listing";
import {
  asMiddleware,
  checkGroupOptions,
  type MiddlewareEntry,
  type RouteDefinition,
  routeDefinition,
  routerPluginMiddleware,
  wsRouteDefinition,
} from "./group/registration";
import type { RouteMethod, WsMethod } from "./group/signatures";
import { isPlugin, type Plugin } from "./plugin";
import { normalizePattern } from "./router/pattern";
import type { GroupOptions, RouteDetail, RouteSchema } from "./schema/types";
import type { Middleware } from "./types";
import type { WsHandlers, WsRouteDefinition } from "./ws/types";

export type { ListedRoute, RegisterInput, WsRouteInfo } from "./group/listing";
export type { MiddlewareEntry, RouteDefinition } from "./group/registration";
export type { RouteHandlers, RouteMethod, WsMethod } from "./group/signatures";

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
      const { schema, detail } = checkGroupOptions(options, this.prefix);
      this.#registry.schema = schema;
      this.#registry.detail = detail;
    }
  }

  #add(method: string, path: string, args: unknown[]): this {
    this.#registry.routes.push(routeDefinition(method, path, this.prefix, args));
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
    this.#registry.wsRoutes.push(wsRouteDefinition(path, this.prefix, handlers));
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
    registry.middleware.push({ path: null, fn: routerPluginMiddleware(plugin) });
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
    return listRoutes(readRegistry, this);
  }

  /** Every WebSocket route this router serves (mounted routers included), like {@link list}. */
  wsList(): WsRouteInfo[] {
    return listWsRoutes(readRegistry, this);
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
    forEachRegistered(
      input,
      (method, path, args) => this.#add(method, path, args),
      (path, handlers) => this.ws(path, handlers),
    );
    return this;
  }
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
