/** `app.routeTable()`: every registered route as documentation generators and clients see it. */

import type { BodyKind } from "../body/types";
import { expandOptional, parsePattern } from "../router/pattern";
import type { RouteFileInfo, RouteInfo, RouteParamInfo } from "../schema/types";
import { fileFieldOf } from "../upload/fields";
import { effectiveOptions, type FlatRoute, type FlatWsRoute, middlewareFor } from "./routes";

const BODY_KINDS: readonly BodyKind[] = ["json", "form", "multipart", "text"];

/** The parameters of a pattern, in order. */
export function paramsOf(pattern: string): RouteParamInfo[] {
  const out: RouteParamInfo[] = [];
  for (const segment of parsePattern(pattern)) {
    if (segment.kind === "wildcard") out.push({ name: "*", optional: false, wildcard: true });
    else if (segment.kind === "param") {
      const param: RouteParamInfo = { name: segment.name, optional: segment.optional, wildcard: false };
      if (segment.source !== undefined) param.pattern = segment.source;
      out.push(param);
    }
  }
  return out;
}

/**
 * What `route` takes as a body, as its compiled variants enforce it: the body kinds it accepts
 * (a frozen list in {@link BODY_KINDS} order; undefined when one variant refuses none) and the
 * file fields its upload middleware reads (a frozen list, one entry per field, in the order the
 * middleware runs; undefined when there is none). Both are undefined when the route parses no
 * body. The variants of an optional parameter may differ only through path-scoped middleware:
 * they are walked once each and joined.
 */
export function bodyOf(route: FlatRoute): {
  accepts?: readonly BodyKind[];
  files?: readonly RouteFileInfo[];
} {
  const kinds = new Set<BodyKind>();
  let anyKind = false;
  const fields = new Map<string, RouteFileInfo>();
  for (const variant of expandOptional(parsePattern(route.pattern))) {
    const chain = [...middlewareFor(route, variant), ...route.handlers];
    const options = effectiveOptions(route, chain);
    if (options.parseBody === false) return {};
    if (options.accepts === undefined) anyKind = true;
    else for (const kind of options.accepts) kinds.add(kind);
    for (const fn of chain) {
      const info = fileFieldOf(fn);
      if (info !== undefined && !fields.has(info.field)) fields.set(info.field, info);
    }
  }
  return {
    accepts: anyKind ? undefined : Object.freeze(BODY_KINDS.filter((kind) => kinds.has(kind))),
    files: fields.size === 0 ? undefined : Object.freeze([...fields.values()]),
  };
}

/** HTTP routes first, then WebSocket routes, each in registration order (depth first). */
export function buildRouteTable(routes: readonly FlatRoute[], wsRoutes: readonly FlatWsRoute[]): RouteInfo[] {
  const table: RouteInfo[] = [];
  for (const route of routes) {
    const info: RouteInfo = {
      kind: "http",
      method: route.method,
      path: route.pattern,
      params: paramsOf(route.pattern),
    };
    if (route.schema !== undefined) info.schema = route.schema;
    if (route.detail !== undefined) info.detail = route.detail;
    const { accepts, files } = bodyOf(route);
    if (accepts !== undefined) info.accepts = accepts;
    if (files !== undefined) info.files = files;
    table.push(Object.freeze(info));
  }
  for (const route of wsRoutes) {
    const info: RouteInfo = {
      kind: "ws",
      method: "GET",
      path: route.pattern,
      params: paramsOf(route.pattern),
    };
    if (route.schema !== undefined) info.schema = route.schema;
    if (route.detail !== undefined) info.detail = route.detail;
    table.push(Object.freeze(info));
  }
  return table;
}
