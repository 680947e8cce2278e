/**
 * The route table as core describes it (issue 14's contract). A local copy until core exports
 * these types; then this module re-exports core's.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";

/** Schemas of an HTTP route; each entry any Standard Schema v1 value. */
export interface RouteSchema {
  params?: StandardSchemaV1;
  query?: StandardSchemaV1;
  headers?: StandardSchemaV1;
  cookies?: StandardSchemaV1;
  body?: StandardSchemaV1;
  /** One schema for every 2xx answer, or one per status: `{ 200: A, 404: B }`. */
  response?: StandardSchemaV1 | { [status: number]: StandardSchemaV1 };
}

/** Schemas of a WebSocket route. */
export interface WebSocketRouteSchema {
  params?: StandardSchemaV1;
  query?: StandardSchemaV1;
  headers?: StandardSchemaV1;
  message?: StandardSchemaV1;
}

/** Documentation metadata of a route. */
export interface RouteDetail {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  deprecated?: boolean;
  /** OpenAPI security requirements, e.g. `[{ bearer: [] }]`. */
  security?: Array<Record<string, string[]>>;
  /** Leave the route out of generated documents. */
  hide?: boolean;
}

/** One registered route, as documentation and clients see it. */
export interface RouteInfo {
  kind: "http" | "ws";
  /** Upper-case method (`"ALL"` for `app.all`, `"GET"` for WebSocket routes). */
  method: string;
  /** The full pattern as registered, prefixes applied. */
  path: string;
  /** Parameters in order, parsed from the pattern. */
  params: Array<{ name: string; optional: boolean; pattern?: string; wildcard: boolean }>;
  /** Merged schemas (router/group + route), or undefined. */
  schema?: RouteSchema | WebSocketRouteSchema;
  /** Merged detail, or undefined. */
  detail?: RouteDetail;
}
