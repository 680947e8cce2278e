/**
 * What a response body is before the `Response` is built: the bodies `res.send` accepts, the
 * bodies `new Response` accepts, the content types `HarpiaResponse` sets by default, and the
 * marker for "no JSON value pending". A leaf of `response/`: `response.ts` and the builders in
 * `build.ts` and `streaming.ts` share these.
 */
import type { StreamChunk } from "../stream/iterable";

/**
 * Bodies `res.send` accepts. Plain objects and arrays are sent as JSON; an async iterable (an
 * async generator) is streamed chunk by chunk, as by `res.stream()`.
 */
export type SendBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream
  | AsyncIterable<StreamChunk>
  | Response
  | Record<string, unknown>
  | unknown[]
  | null
  | undefined;

/**
 * A body `new Response(body)` accepts (Bun's `BodyInit`), named through the `Response` constructor
 * so that the published types do not need the DOM lib.
 */
export type ResponseBody = NonNullable<ConstructorParameters<typeof Response>[0]>;

/** `text/plain` in UTF-8: strings sent with `res.send` or `res.text`. */
export const TEXT = "text/plain;charset=utf-8";
/** `text/html` in UTF-8: `res.html` and `res.render`. */
export const HTML = "text/html;charset=utf-8";
/** JSON in UTF-8: `res.json`, and objects and arrays sent with `res.send`. */
export const JSON_TYPE = "application/json;charset=utf-8";
/** Bytes and streams whose type nobody set. */
export const BYTES = "application/octet-stream";
/** `res.sse`. */
export const EVENT_STREAM = "text/event-stream";
/** Marks "no JSON value pending" (`undefined` and `null` are values a handler may send). */
export const NO_JSON: unique symbol = Symbol("no-json");
