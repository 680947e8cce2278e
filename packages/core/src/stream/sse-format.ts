/**
 * Server-sent events on the wire (the `text/event-stream` format of the HTML standard): one
 * message as `event:`, `id:`, `retry:` and `data:` lines ending with a blank line, and comment
 * lines. Field values that would break the framing (a line break in `event` or `id`) are refused.
 */
import { type Duration, parseDuration } from "../utils/duration";
import { describeValue } from "../utils/internal/check";
import { parseSize, type Size } from "../utils/size";

/** One server-sent event. At least one field; `data` is what `EventSource` listeners receive. */
export interface SseMessage {
  /**
   * The payload: a string is sent as is (a multi-line string as several `data:` lines, which the
   * client joins back with `\n`); anything else is sent as JSON (`JSON.parse(event.data)`).
   */
  data?: unknown;
  /** The event type (`source.addEventListener(type, ...)`; default `"message"`). No line breaks. */
  event?: string;
  /**
   * The event's id: the client sends the last one back as `Last-Event-ID` when it reconnects
   * (`stream.lastEventId`), so it can resume. No line breaks or NUL.
   */
  id?: string | number;
  /** How long the client waits before reconnecting, in milliseconds. */
  retry?: number;
}

/** Options of `res.sse()`. */
export interface SseOptions {
  /**
   * How often a comment (`: ping`) is sent while no event is (default 15 s; `false` for none):
   * it keeps proxies and load balancers from closing an idle connection and lets the server
   * notice a client that is gone. Milliseconds or a duration such as `"30s"`.
   */
  heartbeat?: Duration | false;
  /** Sent first, as the client's reconnection delay (`retry:`), in milliseconds. */
  retry?: number;
  /**
   * Most bytes waiting for a client that does not read (default 1 MiB): past it the client is
   * dropped (the stream ends and `stream.signal` aborts). `await stream.send()` never gets
   * there: it waits while the client is behind.
   */
  bufferLimit?: Size;
}

/** `res.sse()`'s options, checked. */
export interface CheckedSseOptions {
  heartbeat: number | undefined;
  retry: number | undefined;
  bufferLimit: number;
}

const DEFAULT_HEARTBEAT = 15_000;
const DEFAULT_BUFFER_LIMIT = 1024 * 1024;
const KNOWN_OPTIONS = ["heartbeat", "retry", "bufferLimit"];
const KNOWN_FIELDS = new Set(["data", "event", "id", "retry"]);
const LINE_BREAK = /\r\n|\r|\n/;

function checkRetry(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new TypeError(`${where}: retry must be a whole number of milliseconds, got ${describeValue(value)}`);
}

/** Checks `res.sse()`'s options: a `TypeError` naming the option for anything wrong. */
export function checkSseOptions(options: SseOptions | undefined): CheckedSseOptions {
  if (options === undefined)
    return { heartbeat: DEFAULT_HEARTBEAT, retry: undefined, bufferLimit: DEFAULT_BUFFER_LIMIT };
  if (options === null || typeof options !== "object")
    throw new TypeError(`res.sse(): options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.includes(key))
      throw new TypeError(`res.sse(): unknown option "${key}" (known: ${KNOWN_OPTIONS.join(", ")})`);
  const { heartbeat, retry, bufferLimit } = options;
  return {
    heartbeat:
      heartbeat === false
        ? undefined
        : heartbeat === undefined
          ? DEFAULT_HEARTBEAT
          : parseDuration(heartbeat, "res.sse(): heartbeat"),
    retry: retry === undefined ? undefined : checkRetry(retry, "res.sse()"),
    bufferLimit:
      bufferLimit === undefined ? DEFAULT_BUFFER_LIMIT : parseSize(bufferLimit, "res.sse(): bufferLimit"),
  };
}

/** A field value that must stay on one line. */
function singleLine(field: string, value: string): string {
  if (/[\r\n\0]/.test(value))
    throw new TypeError(
      `An event's ${field} cannot contain a line break or NUL, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** One event in the wire format, ending with its blank line. */
export function formatEvent(message: SseMessage | string): string {
  if (typeof message === "string") return dataLines(message);
  if (message === null || typeof message !== "object")
    throw new TypeError(
      `stream.send() takes an event ({ data, event, id, retry }) or a string, got ${describeValue(message)}`,
    );
  let out = "";
  let fields = 0;
  for (const key in message) {
    if (!KNOWN_FIELDS.has(key))
      throw new TypeError(`An event has no field "${key}" (its fields: data, event, id, retry)`);
    if ((message as Record<string, unknown>)[key] !== undefined) fields++;
  }
  if (fields === 0) throw new TypeError("An event needs at least one of data, event, id or retry");
  const { event, id, retry, data } = message;
  if (event !== undefined) {
    if (typeof event !== "string")
      throw new TypeError(`An event's type must be a string, got ${describeValue(event)}`);
    out += `event: ${singleLine("type", event)}\n`;
  }
  if (id !== undefined) {
    if (typeof id !== "string" && !(typeof id === "number" && Number.isFinite(id)))
      throw new TypeError(`An event's id must be a string or a number, got ${describeValue(id)}`);
    out += `id: ${singleLine("id", String(id))}\n`;
  }
  if (retry !== undefined) out += `retry: ${checkRetry(retry, "An event")}\n`;
  if (data === undefined) return `${out}\n`;
  const text = typeof data === "string" ? data : JSON.stringify(data);
  if (text === undefined)
    throw new TypeError(`An event's data cannot be sent as JSON (${describeValue(data)})`);
  return out + dataLines(text);
}

/** `data:` lines, one per line of `text`, and the blank line that ends the event. */
function dataLines(text: string): string {
  let out = "";
  for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** Comment lines (ignored by `EventSource`), one per line of `text`. */
export function formatComment(text: string): string {
  if (typeof text !== "string") throw new TypeError(`A comment must be a string, got ${describeValue(text)}`);
  let out = "";
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`;
  return `${out}\n`;
}
