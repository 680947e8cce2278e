/**
 * Route schemas and documentation metadata: what a route declares about its input and output
 * (`schema`) and how documentation shows it (`detail`), plus the route table documentation
 * generators and clients read (`app.routeTable()`). Types only.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { BodyKind } from "../body/types";

export type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Response schemas: one schema for every 2xx answer, or one per status (`{ 200: A, 404: B }`).
 */
export type ResponseSchema = StandardSchemaV1 | { [status: number]: StandardSchemaV1 };

/**
 * Schemas of an HTTP route; each entry any Standard Schema v1 value (zod 4, valibot, arktype,
 * effect/schema...). The validated output replaces `req.params`, `req.query`, `req.headers`'
 * declared keys, `req.cookies` and `req.body` before the handler runs; invalid input is
 * answered 422 `VALIDATION_FAILED` and never reaches the handler.
 */
export interface RouteSchema {
  /** The route's path parameters (an object of strings before validation). */
  params?: StandardSchemaV1;
  /** The query string (an object: first value of each key, arrays for repeated keys). */
  query?: StandardSchemaV1;
  /** Request headers (an object of lower-case names to values). */
  headers?: StandardSchemaV1;
  /** Request cookies (an object of names to values). */
  cookies?: StandardSchemaV1;
  /** The parsed body (JSON, form, multipart or text). */
  body?: StandardSchemaV1;
  /** One schema for every 2xx answer, or one per status: `{ 200: A, 404: B }`. */
  response?: ResponseSchema;
}

/** Schemas of a WebSocket route: the handshake's parts and each incoming message. */
export interface WebSocketRouteSchema {
  /** The route's path parameters, checked at the handshake (422). */
  params?: StandardSchemaV1;
  /** The upgrade URL's query, checked at the handshake (422). */
  query?: StandardSchemaV1;
  /** The upgrade request's headers, checked at the handshake (422). */
  headers?: StandardSchemaV1;
  /**
   * Each incoming message (a text frame is parsed as JSON first). An invalid one gets an error
   * frame `{ type: "error", code: "VALIDATION_FAILED", errors }` and never reaches `message`.
   */
  message?: StandardSchemaV1;
}

/** Documentation metadata (read by `@harpia/openapi`; core only stores and checks it). */
export interface RouteDetail {
  /** A short summary of the operation. */
  summary?: string;
  /** A longer description (CommonMark in OpenAPI). */
  description?: string;
  /** Tags grouping operations; a group's tags come first, then the route's. */
  tags?: string[];
  /** A unique id for the operation (clients use it as a method name). */
  operationId?: string;
  /** Marks the operation deprecated. */
  deprecated?: boolean;
  /** OpenAPI security requirements, e.g. `[{ bearer: [] }]`. */
  security?: Array<Record<string, string[]>>;
  /** Leave the route out of generated documents. */
  hide?: boolean;
}

/** Schemas and detail given to a whole router: `Router("/api", { schema, detail })`. */
export interface GroupOptions {
  /** Schemas every route beneath gets; a route's own entry replaces the group's per key. */
  schema?: RouteSchema;
  /** Detail every route beneath gets; the route's own wins per key, `tags` concatenate. */
  detail?: RouteDetail;
}

/** One parameter of a route pattern, in order. */
export interface RouteParamInfo {
  /** The name (`"id"` for `:id`, `"0"` for an unnamed `(a|b)`, `"*"` for a wildcard). */
  name: string;
  /** Whether the parameter may be left out (`:id?`). */
  optional: boolean;
  /** The regex source of a constraint (`:id(\\d+)` → `"\\d+"`). */
  pattern?: string;
  /** Whether this is the trailing wildcard `*`. */
  wildcard: boolean;
}

/**
 * One file field an upload middleware on a route reads (`upload.single`, `upload.multiple`),
 * with the rules a client must meet. Files are not part of `req.body`, so `schema.body` cannot
 * describe them: this is where documentation finds them.
 */
export interface RouteFileInfo {
  /** The multipart form field holding the file(s) (`Upload`'s `fieldName`). */
  field: string;
  /** `true` for `upload.multiple` (up to `maxFiles` files), `false` for `upload.single` (one). */
  multiple: boolean;
  /** Whether a request without a file in the field is refused (400 `FILE_REQUIRED`). */
  required: boolean;
  /** The most files the field may hold (1 for `upload.single`; more are a 400). */
  maxFiles: number;
  /** The largest file, in bytes (a larger one is a 413); absent when unlimited. */
  maxSize?: number;
  /**
   * The allowed MIME types, lower-case, exact (`"image/png"`) or by family (`"image/*"`); absent
   * when any type is taken. A frozen list.
   */
  types?: readonly string[];
  /** The allowed file name extensions, lower-case with the dot (`".png"`); a frozen list. */
  extensions?: readonly string[];
}

/** One registered route, as documentation and clients see it. */
export interface RouteInfo {
  kind: "http" | "ws";
  /** Upper-case method (`"GET"`, `"POST"`...; `"ALL"` for `app.all`; `"GET"` for WebSockets). */
  method: string;
  /** The full pattern as registered, prefixes applied: `/books/:id`, `/files/*`, `/a/:b?`. */
  path: string;
  /** Parameters in order, parsed from the pattern. */
  params: RouteParamInfo[];
  /** Merged schemas (routers + route), or undefined. */
  schema?: RouteSchema | WebSocketRouteSchema;
  /** Merged detail (routers + route), or undefined. */
  detail?: RouteDetail;
  /**
   * The body kinds the route accepts (any other `Content-Type` is answered 415), in the order
   * `"json"`, `"form"`, `"multipart"`, `"text"`: its `accepts` option, or the one a middleware on
   * the route carries (`upload.single` and `upload.multiple` give `["multipart"]`). A frozen list;
   * undefined when the route refuses no body kind (no `accepts`, or `parseBody: false`, which
   * leaves the body unread and unchecked). A path-scoped `use` whose path the route may or may not
   * fall under (`use("/a/b", mw)` before `/a/:id`) is decided per request, so its options are
   * not listed, as they do not apply either. HTTP routes only.
   */
  accepts?: readonly BodyKind[];
  /**
   * The file fields the route's upload middleware reads (`upload.single`, `upload.multiple`, on
   * the route or on a router around it), in the order they run: a frozen list of frozen entries,
   * one per field (the first middleware reading a field describes it). Undefined when no upload
   * middleware runs for the route, or with `parseBody: false` (no file is ever parsed). As for
   * `accepts`, a path-scoped `use` decided per request is not listed. HTTP routes only.
   */
  files?: readonly RouteFileInfo[];
}
