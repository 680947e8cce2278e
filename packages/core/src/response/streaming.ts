/**
 * Streamed bodies set on a response: `res.stream()` (a `ReadableStream` or an iterable of
 * chunks) and `res.sse()` (server-sent events). Checks what it is given, then sets the body,
 * its content type and, for events, the headers that keep them flowing. Errors after the head
 * was sent go to the app's reporter (`req[CONTEXT].report`).
 */
import type { HarpiaRequest } from "../request";
import {
  type ChunkSource,
  checkStreamOptions,
  isChunkSource,
  iterableStream,
  type StreamOptions,
} from "../stream/iterable";
import { eventStreamBody, type SseProducer } from "../stream/sse";
import { checkSseOptions, type SseOptions } from "../stream/sse-format";
import { BODY, CONTENT_TYPE, CONTEXT } from "../symbols";
import { BYTES, EVENT_STREAM, type ResponseBody } from "./body";

/**
 * The members of `HarpiaResponse` a streamed body is set through (a structural type, so that
 * this module does not import `response.ts`, which imports it).
 */
export interface StreamTarget {
  sent: boolean;
  [CONTENT_TYPE]: string | undefined;
  [BODY]: ResponseBody | null;
  readonly req: HarpiaRequest<any> | undefined;
  hasHeader(name: string): boolean;
  header(name: string, value: string): unknown;
}

/** `res.stream(source, options)`: see `HarpiaResponse.stream`. */
export function sendStream(
  res: StreamTarget,
  source: ReadableStream | ChunkSource,
  options: StreamOptions | undefined,
): void {
  const highWaterMark = checkStreamOptions(options);
  if (typeof source === "string")
    throw new TypeError(
      "res.stream() takes a ReadableStream or an iterable of chunks; send a string with res.send()",
    );
  if (!(source instanceof ReadableStream) && !isChunkSource(source))
    throw new TypeError(
      `res.stream() takes a ReadableStream or an iterable of chunks, got ${source === null ? "null" : typeof source}`,
    );
  res.sent = true;
  res[CONTENT_TYPE] ??= BYTES;
  if (source instanceof ReadableStream) {
    res[BODY] = source as ResponseBody;
    return;
  }
  const req = res.req;
  const report = req?.[CONTEXT].report;
  res[BODY] = iterableStream(
    source,
    highWaterMark,
    report === undefined ? undefined : (error) => report(error, req),
  ) as ResponseBody;
}

/**
 * `res.sse(producer, options)`: see `HarpiaResponse.sse`. `request` is the raw request of a
 * response made without a `HarpiaRequest` (its `Last-Event-ID` and signal).
 */
export function sendEvents(
  res: StreamTarget,
  request: Request | undefined,
  producer: SseProducer,
  options: SseOptions | undefined,
): void {
  if (typeof producer !== "function")
    throw new TypeError(
      "res.sse() takes a function that writes the events: res.sse(async (stream) => { ... })",
    );
  const checked = checkSseOptions(options);
  const req = res.req;
  const context = req?.[CONTEXT];
  const report = context?.report;
  const raw = req?.raw ?? request;
  res.sent = true;
  res[CONTENT_TYPE] = EVENT_STREAM;
  if (!res.hasHeader("cache-control")) res.header("cache-control", "no-cache");
  // nginx buffers proxied responses unless told not to: events would arrive in bursts.
  res.header("x-accel-buffering", "no");
  res[BODY] = eventStreamBody(producer, checked, {
    lastEventId: raw?.headers.get("last-event-id") ?? undefined,
    clientSignal: raw?.signal,
    report: report === undefined ? undefined : (error) => report(error, req),
    streams: context?.streams,
  }) as ResponseBody;
}
