import type { BodyKind } from "./body/types";
import { checkRouteDetail, checkRouteSchema } from "./schema/check";
import type { RouteDetail, RouteSchema } from "./schema/types";
import { type Duration, parseDuration } from "./utils/duration";
import { describeValue, positiveInteger } from "./utils/internal/check";
import { parseSize, type Size } from "./utils/size";

/** Per-route options, given as an object before the handlers: `app.post(path, { bodyLimit }, h)`. */
export interface RouteOptions extends RouteBaseOptions {
  /**
   * Schemas of the route's input and output (any Standard Schema v1: zod 4, valibot,
   * arktype...): the validated output replaces `req.params`, `req.query`, `req.body`...
   * before the handler, and invalid input is answered 422 `VALIDATION_FAILED`.
   */
  schema?: RouteSchema;
}

/** {@link RouteOptions} with the route's schemas as a type parameter, for inference. */
export interface SchemaRouteOptions<S extends RouteSchema> extends RouteBaseOptions {
  /** See {@link RouteOptions.schema}. */
  schema?: S;
}

/** The route options other than `schema`. */
export interface RouteBaseOptions {
  /** Largest body this route accepts: bytes, or a size such as `"5mb"` (overrides the app's limit). */
  bodyLimit?: Size;
  /** Body types the route accepts; any other `Content-Type` is answered 415. */
  accepts?: BodyKind | BodyKind[];
  /** Set to `false` to leave the body unread (streaming handlers read `req.raw.body`). */
  parseBody?: boolean;
  /** Deepest nesting of arrays and objects accepted in a JSON body (overrides the app's `jsonDepth`). */
  jsonDepth?: number;
  /**
   * How long the route may take to answer: milliseconds or a duration such as `"5s"` (overrides
   * the app's `timeout`; `false` turns it off for this route). Past it the client gets a 503
   * `TIMEOUT` and `req.signal` aborts. It covers the time until the response is ready (its
   * head), not the body of a streamed response.
   */
  timeout?: Duration | false;
  /** Documentation metadata (`summary`, `tags`...), read by `@harpia/openapi`. */
  detail?: RouteDetail;
}

/** Route options after checking: sizes in bytes, `accepts` as a list. */
export interface CheckedRouteOptions {
  bodyLimit?: number;
  accepts?: BodyKind[];
  parseBody?: boolean;
  jsonDepth?: number;
  /** Milliseconds, or `false` for none. */
  timeout?: number | false;
  schema?: RouteSchema;
  detail?: RouteDetail;
}

const BODY_KINDS: readonly BodyKind[] = ["json", "form", "multipart", "text"];
const KNOWN = ["bodyLimit", "accepts", "parseBody", "jsonDepth", "timeout", "schema", "detail"];

/**
 * Checks route options where they are given (registration, `withRouteOptions`) and returns
 * them normalised. A misspelt key, a wrong type or an impossible value throws a `TypeError`
 * naming `where` and the option, instead of being ignored until a request shows it.
 */
export function checkRouteOptions(options: unknown, where: string): CheckedRouteOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options))
    throw new TypeError(`${where}: route options must be an object, got ${describeValue(options)}`);
  const out: CheckedRouteOptions = {};
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (!KNOWN.includes(key))
      throw new TypeError(`${where}: unknown route option "${key}" (known: ${KNOWN.join(", ")})`);
    if (value === undefined) continue;
    const option = `${where}: route option "${key}"`;
    if (key === "bodyLimit") out.bodyLimit = parseSize(value as Size, option);
    else if (key === "jsonDepth") out.jsonDepth = positiveInteger(value, option);
    else if (key === "timeout")
      out.timeout = value === false ? false : parseDuration(value as Duration, option);
    else if (key === "schema") out.schema = checkRouteSchema(value, where);
    else if (key === "detail") out.detail = checkRouteDetail(value, where);
    else if (key === "parseBody") {
      if (typeof value !== "boolean")
        throw new TypeError(`${option}: expected true or false, got ${describeValue(value)}`);
      out.parseBody = value;
    } else out.accepts = checkAccepts(value, option);
  }
  if (out.parseBody === false && out.schema?.body !== undefined)
    throw new TypeError(
      `${where}: schema.body needs the body parsed; remove parseBody: false or the body schema`,
    );
  return out;
}

function checkAccepts(value: unknown, option: string): BodyKind[] {
  const list = Array.isArray(value) ? value : [value];
  const wrong = list.find((kind) => !BODY_KINDS.includes(kind as BodyKind));
  if (list.length === 0 || wrong !== undefined) {
    const got = list.length === 0 ? "an empty list" : describeValue(wrong);
    throw new TypeError(
      `${option}: expected one or more of ${BODY_KINDS.map((k) => `"${k}"`).join(", ")}, got ${got}`,
    );
  }
  return list as BodyKind[];
}
