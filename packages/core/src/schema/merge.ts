/**
 * How a router's `schema` and `detail` combine with those of the routers and routes beneath:
 * a deeper entry replaces an outer one per key (`schema.headers` of a route replaces the
 * router's), except `detail.tags`, which concatenate (outer first, duplicates dropped).
 */
import type { RouteDetail, RouteSchema, WebSocketRouteSchema } from "./types";

type AnySchema = RouteSchema | WebSocketRouteSchema;

/** `outer` then `inner`, per key; undefined when both are. */
export function mergeSchema<S extends AnySchema>(
  outer: AnySchema | undefined,
  inner: S | undefined,
): S | undefined {
  if (outer === undefined) return inner;
  if (inner === undefined) return { ...outer } as S;
  return { ...outer, ...inner };
}

/** `outer` then `inner`, per key, tags concatenated; undefined when both are. */
export function mergeDetail(
  outer: RouteDetail | undefined,
  inner: RouteDetail | undefined,
): RouteDetail | undefined {
  if (outer === undefined) return inner;
  if (inner === undefined) return { ...outer };
  const merged: RouteDetail = { ...outer, ...inner };
  if (outer.tags !== undefined && inner.tags !== undefined)
    merged.tags = [...new Set([...outer.tags, ...inner.tags])];
  return merged;
}

/** The part of a router's schema a WebSocket route takes (its handshake parts). */
export function wsPartsOf(schema: RouteSchema | undefined): WebSocketRouteSchema | undefined {
  if (schema === undefined) return undefined;
  const out: WebSocketRouteSchema = {};
  if (schema.params) out.params = schema.params;
  if (schema.query) out.query = schema.query;
  if (schema.headers) out.headers = schema.headers;
  return Object.keys(out).length === 0 ? undefined : out;
}
