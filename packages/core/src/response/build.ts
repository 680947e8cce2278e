/**
 * Building the one `Response` of a request from what `HarpiaResponse` holds (`res[BUILD]`): the
 * usual case, the case with prepared headers (`res.headerDefaults`), a HEAD answer, and a
 * complete `Response` returned by a handler with the `res` headers merged into it. Called on
 * every request: plain functions over the response's state, nothing allocated besides the
 * `Response` itself.
 */
import { BODY, CONTENT_TYPE, HAS_HEADERS, WIRE } from "../symbols";
import { byteLength } from "../utils/bytes";
import { mergeVary } from "../utils/vary";
import { JSON_TYPE, NO_JSON, type ResponseBody, TEXT } from "./body";

/**
 * The members of `HarpiaResponse` the builders read (a structural type, so that this module
 * does not import `response.ts`, which imports it).
 */
export interface BuildSource {
  statusCode: number;
  readonly headers: Headers;
  /** Reading it serialises a pending JSON value once, into the body `bodyLength` reads too. */
  readonly [BODY]: ResponseBody | null;
  readonly [CONTENT_TYPE]: string | undefined;
  readonly [WIRE]: boolean;
  readonly [HAS_HEADERS]: boolean;
}

/**
 * The `Response` when there are no prepared headers: `headerMap` when `res.headers` was read,
 * else the `pending` name/value pairs of `res.header()`, written onto the built `Response`.
 * `json` says whether a JSON value is pending; `bodyInit` is the body otherwise.
 */
export function buildResponse(
  res: BuildSource,
  headerMap: Headers | undefined,
  pending: string[] | undefined,
  json: boolean,
  bodyInit: ResponseBody | null,
): Response {
  const status = res.statusCode;
  if (headerMap !== undefined) {
    const type = res[CONTENT_TYPE];
    if (type !== undefined && !headerMap.has("content-type")) headerMap.set("content-type", type);
    if (json && !headerMap.has("content-type")) headerMap.set("content-type", JSON_TYPE);
    // A JSON value is serialised once, here, into the body `bodyLength` (loggers) reads too.
    return new Response(res[BODY], { status, headers: headerMap });
  }
  let response: Response;
  if (json) {
    // Serialised once, here, into the body `bodyLength` (loggers) reads too; a JSON value sent
    // with another type (`res.json(x).type("application/problem+json")`) keeps it.
    const body = res[BODY];
    response = status === 200 ? new Response(body) : new Response(body, { status });
    response.headers.set("content-type", res[CONTENT_TYPE] ?? JSON_TYPE);
  } else {
    response = status === 200 ? new Response(bodyInit) : new Response(bodyInit, { status });
    // On a socket Bun writes text/plain;charset=utf-8 for string bodies by itself; in process
    // (app.fetch, tests) nobody would, so it is set explicitly there.
    const type = res[CONTENT_TYPE];
    if (type !== undefined && !(res[WIRE] && type === TEXT && typeof bodyInit === "string")) {
      response.headers.set("content-type", type);
    }
  }
  if (pending !== undefined)
    for (let i = 0; i < pending.length; i += 2) response.headers.set(pending[i]!, pending[i + 1]!);
  return response;
}

/**
 * The `Response` made with the prepared headers of `res.headerDefaults` (`base`), and every
 * header set on `res` written over them. `jsonValue` is the pending JSON value or `NO_JSON`.
 */
export function buildOverBase(
  res: BuildSource,
  base: Headers,
  headerMap: Headers | undefined,
  pending: string[] | undefined,
  jsonValue: unknown,
  bodyInit: ResponseBody | null,
): Response {
  const init = { status: res.statusCode, headers: base };
  const response = jsonValue !== NO_JSON ? Response.json(jsonValue, init) : new Response(bodyInit, init);
  const headers = response.headers;
  let typed = false;
  if (headerMap !== undefined) {
    for (const [name, value] of headerMap) {
      if (name === "set-cookie") headers.append(name, value);
      else headers.set(name, value);
    }
    typed = headerMap.has("content-type");
  }
  if (pending !== undefined)
    for (let i = 0; i < pending.length; i += 2) {
      headers.set(pending[i]!, pending[i + 1]!);
      if (pending[i] === "content-type") typed = true;
    }
  const type = res[CONTENT_TYPE];
  if (type !== undefined && !typed) headers.set("content-type", type);
  return response;
}

/** A HEAD answer: the GET answer's headers and length, no body. */
export function headResponse(res: BuildSource): Response {
  const body = res[BODY];
  const headers = res.headers;
  if (body !== null) {
    const length = byteLength(body);
    if (length !== undefined) headers.set("content-length", String(length));
  }
  const type = res[CONTENT_TYPE];
  if (type !== undefined && !headers.has("content-type")) headers.set("content-type", type);
  return new Response(null, { status: res.statusCode, headers });
}

/** A `Response` returned by a handler (or sent), with the headers set on `res` merged into it. */
export function mergeInto(res: BuildSource, response: Response, head: boolean): Response {
  if (!res[HAS_HEADERS] && !head) return response;
  const merged = new Response(head ? null : response.body, response);
  if (res[HAS_HEADERS]) {
    for (const [name, value] of res.headers) {
      if (name === "set-cookie") merged.headers.append(name, value);
      // Both sides' Vary fields matter to caches (e.g. Origin from CORS, Accept from the handler).
      else if (name === "vary") merged.headers.set(name, mergeVary(merged.headers.get(name), value));
      else if (!merged.headers.has(name)) merged.headers.set(name, value);
    }
  }
  return merged;
}
