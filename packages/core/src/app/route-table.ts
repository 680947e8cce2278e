/** `app.routeTable()`: every registered route as documentation generators and clients see it. */

import { parsePattern } from "../router/pattern";
import type { RouteInfo, RouteParamInfo } from "../schema/types";
import type { FlatRoute, FlatWsRoute } from "./routes";

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
