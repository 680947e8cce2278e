/**
 * Route compilation: the group tree flattened into routes, each with the middleware of every
 * enclosing group composed with its handlers once, and registered with a router.
 */
import { type RouteGroup, registryOf } from "../group";
import { compose, type ErrorResponder } from "../pipeline/chain";
import type { CompiledRoute } from "../pipeline/compiled";
import { type CheckedRouteOptions, checkRouteOptions } from "../route-options";
import { expandOptional, joinPaths, parsePattern, type Segment } from "../router/pattern";
import type { RouterEngine } from "../router/types";
import { mergeDetail, mergeSchema, wsPartsOf } from "../schema/merge";
import type { RouteDetail, RouteSchema, WebSocketRouteSchema } from "../schema/types";
import { validationStep } from "../schema/validate";
import { LOOKUP_PATH } from "../symbols";
import { type Handler, type Middleware, type MiddlewareWithOptions, ROUTE_OPTIONS } from "../types";
import { pathWithin } from "../utils/path";
import type { WsOriginPolicy } from "../ws/origins";
import type { WsHandlers } from "../ws/types";

/** The app-wide defaults a route's options fall back to. */
export interface RouteDefaults {
  bodyLimit: number | undefined;
  jsonDepth: number;
  /** `harpia({ timeout })` in milliseconds, when given. */
  timeout: number | undefined;
  /** Whether responses are checked against `schema.response` now (read per request). */
  checkResponses?: () => boolean;
}

const NEVER = () => false;

/** A middleware with the absolute path it is scoped to (null: everything). */
interface ScopedMiddleware {
  path: string | null;
  fn: Middleware;
}

/** A route with its absolute pattern and the middleware of every enclosing group. */
export interface FlatRoute {
  method: string;
  pattern: string;
  handlers: Handler<any>[];
  options: CheckedRouteOptions;
  scopes: ScopedMiddleware[];
  /** Schemas of the enclosing routers and the route, merged. */
  schema?: RouteSchema;
  /** Detail of the enclosing routers and the route, merged. */
  detail?: RouteDetail;
}

/** A WebSocket route with its absolute pattern and the middleware of every enclosing group. */
export interface FlatWsRoute {
  pattern: string;
  handlers: WsHandlers<any, any, any>;
  scopes: ScopedMiddleware[];
  /** The enclosing routers' handshake schemas and the route's, merged. */
  schema?: WebSocketRouteSchema;
  /** Detail of the enclosing routers and the route, merged. */
  detail?: RouteDetail;
  /** The route's own `allowOrigins`, checked (`undefined`: the app's). */
  origins?: WsOriginPolicy;
}

/** Schemas and detail inherited from enclosing routers. */
export interface InheritedDoc {
  schema: RouteSchema | undefined;
  detail: RouteDetail | undefined;
}

const NO_DOC: InheritedDoc = { schema: undefined, detail: undefined };

/**
 * Walks a group tree into flat routes, each with the middleware of every enclosing group;
 * WebSocket routes go to `wsOut` when given.
 */
export function flatten(
  group: RouteGroup<any>,
  prefix: string,
  inherited: ScopedMiddleware[],
  out: FlatRoute[],
  wsOut?: FlatWsRoute[],
  inheritedDoc: InheritedDoc = NO_DOC,
): void {
  const base = joinPaths(prefix, group.prefix);
  const registry = registryOf(group);
  const doc: InheritedDoc = {
    schema: mergeSchema(inheritedDoc.schema, registry.schema),
    detail: mergeDetail(inheritedDoc.detail, registry.detail),
  };
  const own = registry.middleware.map((m) => ({
    path: m.path === null ? null : joinPaths(base, m.path),
    fn: m.fn,
  }));
  const scopes = [...inherited, ...own];
  for (const route of registry.routes) {
    out.push({
      method: route.method,
      pattern: joinPaths(base, route.path),
      handlers: route.handlers,
      options: route.options,
      scopes,
      schema: mergeSchema(doc.schema, route.options.schema),
      detail: mergeDetail(doc.detail, route.options.detail),
    });
  }
  if (wsOut !== undefined) {
    for (const route of registry.wsRoutes)
      wsOut.push({
        pattern: joinPaths(base, route.path),
        handlers: route.handlers,
        scopes,
        schema: mergeSchema(wsPartsOf(doc.schema), route.schema),
        detail: mergeDetail(doc.detail, route.detail),
        origins: route.origins,
      });
  }
  for (const child of registry.children)
    flatten(child.group, joinPaths(base, child.prefix), scopes, out, wsOut, doc);
}

/** How a path-scoped middleware relates to a route pattern, decided at registration. */
function relation(scope: string, segments: Segment[]): "always" | "never" | "maybe" {
  const parts = scope === "/" ? [] : scope.slice(1).split("/");
  for (let i = 0; i < parts.length; i++) {
    const segment = segments[i];
    if (segment === undefined) return "never";
    if (segment.kind === "wildcard") return "maybe";
    if (segment.kind === "param") {
      if (segment.spans) return "maybe";
      if (segment.pattern && !segment.pattern.test(parts[i]!)) return "never";
      return "maybe";
    }
    if (segment.value !== parts[i]) return "never";
  }
  return "always";
}

/** Wraps a path-scoped middleware so it only runs when the request path is within its scope. */
export function scoped(path: string, fn: Middleware): Middleware {
  return (req, res, next) => (pathWithin(req[LOOKUP_PATH], path) ? fn(req, res, next) : next());
}

/**
 * The options a route runs with: those carried by middleware in `chain` (`withRouteOptions`,
 * `upload.single`...; the largest `bodyLimit` wins), then the route's own on top.
 */
export function effectiveOptions(flat: FlatRoute, chain: readonly Handler<any>[]): CheckedRouteOptions {
  let fromMiddleware: CheckedRouteOptions = {};
  for (const fn of chain) {
    const carried = (fn as MiddlewareWithOptions)[ROUTE_OPTIONS];
    if (carried) {
      // Checked again here: the symbol may have been set without `withRouteOptions`.
      const checked = checkRouteOptions(
        carried,
        `${flat.method} ${flat.pattern}: a middleware's route options`,
      );
      fromMiddleware = {
        ...fromMiddleware,
        ...checked,
        bodyLimit: Math.max(fromMiddleware.bodyLimit ?? 0, checked.bodyLimit ?? 0) || undefined,
      };
    }
  }
  return { ...fromMiddleware, ...flat.options };
}

function routeOptions(
  flat: FlatRoute,
  chain: Handler<any>[],
  defaults: RouteDefaults,
): Pick<CompiledRoute, "parseBody" | "bodyLimit" | "accepts" | "bodyLimits" | "timeout"> {
  const merged = effectiveOptions(flat, chain);
  return {
    parseBody: merged.parseBody !== false,
    bodyLimit: merged.bodyLimit ?? defaults.bodyLimit,
    accepts: merged.accepts === undefined ? undefined : new Set(merged.accepts),
    bodyLimits: { jsonDepth: merged.jsonDepth ?? defaults.jsonDepth },
    timeout: merged.timeout === false ? undefined : (merged.timeout ?? defaults.timeout),
  };
}

/**
 * The enclosing groups' middleware that runs for one variant of a route: unscoped ones as they
 * are, path-scoped ones as they are when the variant is always within the scope, wrapped in a
 * per-request check when it may be, left out when it never is.
 */
export function middlewareFor(flat: FlatRoute, variant: Segment[]): Middleware[] {
  const middleware: Middleware[] = [];
  for (const scope of flat.scopes) {
    if (scope.path === null) {
      middleware.push(scope.fn);
      continue;
    }
    const rel = relation(scope.path, variant);
    if (rel === "always") middleware.push(scope.fn);
    else if (rel === "maybe") middleware.push(scoped(scope.path, scope.fn));
  }
  return middleware;
}

/** Every compiled variant, for callers that build another table from them (Bun's native routes). */
export type VariantSink = (method: string, segments: Segment[], route: CompiledRoute) => void;

/** Registers every flat route (each optional-param variant) with the router engine. */
export function compileRoutes(
  routes: FlatRoute[],
  engine: RouterEngine<CompiledRoute>,
  onError: ErrorResponder,
  defaults: RouteDefaults,
  sink?: VariantSink,
): void {
  for (const flat of routes) {
    const segments = parsePattern(flat.pattern);
    // Built once per route (not per optional-param variant); none without schemas.
    const validate = validationStep(flat.schema, `${flat.method} ${flat.pattern}`, {
      checkResponses: defaults.checkResponses ?? NEVER,
    });
    const own = validate === undefined ? flat.handlers : [validate, ...flat.handlers];
    for (const variant of expandOptional(segments)) {
      const handlers = [...middlewareFor(flat, variant), ...own];
      const route: CompiledRoute = {
        method: flat.method,
        pattern: flat.pattern,
        hasParams: variant.some((segment) => segment.kind !== "static"),
        chain: compose(handlers, onError),
        ...routeOptions(flat, handlers, defaults),
      };
      engine.add(flat.method, variant, route);
      sink?.(flat.method, variant, route);
    }
  }
}

/** The app-level middleware for requests no route matched, path scopes checked per request. */
export function fallbackMiddleware(app: RouteGroup<any>): Middleware[] {
  return registryOf(app).middleware.map((m) => (m.path === null ? m.fn : scoped(m.path, m.fn)));
}
