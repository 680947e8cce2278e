/**
 * The JSON format of `logger()`: one entry per request or reported error, written as a line or
 * handed to a sink (a function, or a pino logger called with the level).
 */
import type { ErrorReporter } from "../hooks";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { LogEntry, LoggedError, LogLevel, ResolvedLogger } from "./options";

/** The level a status gives: 5xx error, 4xx warn, else info. */
export function levelOf(status: number): LogLevel {
  return status >= 500 ? "error" : status >= 400 ? "warn" : "info";
}

/** An error (or anything thrown) as a log line holds it. */
export function describeError(error: unknown, withStack: boolean): LoggedError {
  if (error instanceof Error) {
    const out: LoggedError = { name: error.name, message: error.message };
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" || typeof code === "number") out.code = code;
    if (withStack && error.stack !== undefined) out.stack = error.stack;
    return out;
  }
  return { name: typeof error, message: String(error) };
}

/** `new Date().toISOString()`, made once per millisecond (requests arrive many to a millisecond). */
let isoMs = -1;
let isoText = "";
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

/** Starts entries and writes them where the options say: a sink (function or pino) or a text line. */
export interface Emitter {
  /** A new entry: `{ time, level, msg }`, or empty for pino (which writes those itself). */
  head(level: LogLevel, msg: string): LogEntry;
  emit(level: LogLevel, entry: LogEntry, msg: string): void;
}

export function emitter(options: ResolvedLogger): Emitter {
  const sink = options.sink;
  if (sink?.kind === "pino") {
    const pino = sink.logger;
    // pino writes its own time and level; the message is its second argument.
    return { head: () => ({}) as LogEntry, emit: (level, entry, msg) => pino[level](entry, msg) };
  }
  const head = (level: LogLevel, msg: string): LogEntry => ({ time: isoNow(), level, msg });
  if (sink?.kind === "function") {
    const fn = sink.fn;
    return { head, emit: (_level, entry) => fn(entry) };
  }
  const write = options.write;
  return { head, emit: (_level, entry) => write(JSON.stringify(entry)) };
}

/** The fields of a request every line has. */
function requestFields(req: HarpiaRequest<any>, entry: LogEntry): LogEntry {
  entry.method = req.method;
  entry.path = req.path;
  if (req.route !== undefined) entry.route = req.route;
  const ip = req.ip;
  if (ip !== undefined) entry.ip = ip;
  return entry;
}

function addFields(
  options: ResolvedLogger,
  entry: LogEntry,
  req: HarpiaRequest<any>,
  res: HarpiaResponse | undefined,
): void {
  if (options.fields === undefined) return;
  const extra = options.fields(req, res);
  if (extra !== null && typeof extra === "object") Object.assign(entry, extra);
}

/** Writes the line of one answered request (duration in ms, `undefined` when unknown). */
export function writeRequestEntry(
  options: ResolvedLogger,
  out: Emitter,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  duration: number | undefined,
  development: boolean,
): void {
  const status = res.statusCode;
  const level = levelOf(status);
  const msg = `${req.method} ${req.path} ${status}`;
  const entry = requestFields(req, out.head(level, msg));
  entry.status = status;
  if (duration !== undefined) entry.duration = Math.round(duration * 1000) / 1000;
  const bytes = req.originalMethod === "HEAD" ? 0 : res.bodyLength;
  if (bytes !== undefined) entry.bytes = bytes;
  addFields(options, entry, req, res);
  if (res.error !== undefined) entry.error = describeError(res.error, development);
  out.emit(level, entry, msg);
}

/**
 * The app's error reporter as JSON lines (level `error`, the stack included: the line is for
 * the operator, never the client). A sink that throws falls back to `console.error`, so a
 * broken log pipe never breaks a response.
 */
export function jsonReporter(options: ResolvedLogger, out: Emitter): ErrorReporter {
  return (error, req) => {
    try {
      const msg = req === undefined ? "unexpected error" : `${req.method} ${req.path} failed`;
      const entry = out.head("error", msg);
      if (req !== undefined) {
        requestFields(req, entry);
        addFields(options, entry, req, undefined);
      }
      entry.error = describeError(error, true);
      out.emit("error", entry, msg);
    } catch (secondary) {
      console.error("[harpia] logger: the log sink failed:", secondary, "while reporting:", error);
    }
  };
}
