/**
 * Type-level inference from route schemas: what `req.body`, `req.query`, `req.params`,
 * `req.headers`' declared keys and `req.cookies` are, and what `res.json()` and a handler's
 * returned value must be. Types only, kept cheap (indexed access, no recursion): these are
 * instantiated once per route.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { RouteSchema, WebSocketRouteSchema } from "./types";

/** The output type of a Standard Schema (what validation gives back). */
export type SchemaOutput<T> = T extends StandardSchemaV1
  ? NonNullable<T["~standard"]["types"]>["output"]
  : never;

/**
 * The validated parts of a request, as the request's second type parameter: only the keys a
 * route declares (`{ body: Book }`); an absent key leaves that part as it is without schemas.
 */
export interface RequestShape {
  body?: unknown;
  query?: unknown;
  headers?: unknown;
  cookies?: unknown;
}

/** The {@link RequestShape} of a route's schemas. */
export type RequestShapeOf<S> = {
  [K in keyof S & ("body" | "query" | "headers" | "cookies")]: SchemaOutput<S[K]>;
};

/** A route's params: the `params` schema's output when declared, else the pattern's. */
export type ParamsFor<S, FromPath> = S extends { params: StandardSchemaV1 }
  ? SchemaOutput<S["params"]>
  : FromPath;

/**
 * Response bodies by status, as the response's first type parameter: `unknown` without a
 * response schema (anything goes), `{ "2xx": T }` for one schema, `{ 200: A, 404: B }` per status.
 */
export type ResponseShapeOf<S> = S extends { response: infer R }
  ? R extends StandardSchemaV1
    ? { "2xx": SchemaOutput<R> }
    : { [K in keyof R]: SchemaOutput<R[K]> }
  : unknown;

type IsSuccess<Code> = `${Code & number}` extends `2${string}` ? true : false;

/**
 * What `res.json()` takes at status `Code`: the schema of that status (`res.status(404).json(x)`
 * checks `x` against 404's schema); with one schema, its type for 2xx statuses. A status the
 * route declares nothing for, or without response schemas, takes anything. A status only known
 * as `number` takes the union of the declared bodies.
 */
export type JsonBody<Out, Code extends number> = unknown extends Out
  ? unknown
  : Out extends { "2xx": infer T }
    ? IsSuccess<Code> extends true
      ? T
      : number extends Code
        ? T
        : unknown
    : Code extends keyof Out
      ? Out[Code]
      : number extends Code
        ? Out[keyof Out]
        : unknown;

/** The success bodies of a response shape (2xx statuses), what a handler may return. */
export type SuccessBody<Out> = Out extends { "2xx": infer T }
  ? T
  : { [K in keyof Out]: IsSuccess<K> extends true ? Out[K] : never }[keyof Out];

/** The WebSocket message type: the `message` schema's output, else what Bun delivers. */
export type WsMessageFor<S, Raw> = S extends { message: StandardSchemaV1 } ? SchemaOutput<S["message"]> : Raw;

/** Re-exported constraint names, for the route methods' signatures. */
export type { RouteSchema, WebSocketRouteSchema };
