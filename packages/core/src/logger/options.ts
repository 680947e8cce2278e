/** `logger(options)`: the options, checked once when the logger is made. */
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";

/** The level of a log line: from the status (5xx `"error"`, 4xx `"warn"`, else `"info"`). */
export type LogLevel = "info" | "warn" | "error";

/** An error as a log line holds it. */
export interface LoggedError {
  /** `error.name` (`"HttpError"`, `"TypeError"`), or the type of a thrown non-error. */
  name: string;
  message: string;
  /** `error.code` when it has one (`"NOT_FOUND"`, `"ECONNREFUSED"`). */
  code?: string | number;
  /** The stack: on reported errors always, on request lines in development only. */
  stack?: string;
}

/**
 * One line of the JSON format: a request answered (`msg` is `"GET /users/42 200"`), or an
 * unexpected error the app reported (`level: "error"`, with `error`). Fields without a value
 * (`route` on a 404, `ip` under `app.fetch`) are left out. What `fields(req, res)` returns is
 * added.
 */
export interface LogEntry {
  /** When the line was written, ISO 8601 (left to the logger with a pino sink). */
  time?: string;
  /** Left to the logger with a pino sink (it is the method called). */
  level?: LogLevel;
  /** `"GET /users/42 200"`, or `"GET /users/42 failed"` for a reported error (pino's second argument). */
  msg?: string;
  method?: string;
  /** The URL path, without the query string. */
  path?: string;
  /** The matched route's pattern (`"/users/:id"`), the label to group by; absent when none matched. */
  route?: string;
  status?: number;
  /** Milliseconds from the request entering the app to its `Response` being ready (body streaming not included). */
  duration?: number;
  /** Bytes of the body when known before sending (not for streams). */
  bytes?: number;
  /** The client address, as `req.ip` (the app's `trustProxy` applies). */
  ip?: string;
  /** The error the request was answered with, or the error reported. */
  error?: LoggedError;
  [field: string]: unknown;
}

/**
 * A pino logger (or any logger with pino's methods): `info`, `warn` and `error`, each called
 * as `(object, message)`.
 */
export interface PinoLike {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Where JSON lines go: a function given each entry, or a pino logger. */
export type LogSink = ((entry: LogEntry) => void) | PinoLike;

/** Options of {@link logger}. */
export interface LoggerOptions {
  /**
   * `"dev"` (default): `GET /books 200 1.2ms`, coloured on a TTY.
   * `"combined"`: the Apache combined access-log line.
   * `"json"`: one JSON object per request (see {@link LogEntry}), and the app's unexpected
   * errors as JSON lines too (when installed with `app.use`).
   */
  format?: "dev" | "combined" | "json";
  /** Where lines go as text (default: stdout, one line each). */
  write?: (line: string) => void;
  /**
   * JSON format only: where entries go as objects instead of `write`: a function, or a pino
   * logger (`pino()`), called with the level the status gives (5xx `error`, 4xx `warn`, else
   * `info`) so its own level filter, time, serializers and transports apply.
   */
  sink?: LogSink;
  /**
   * JSON format only: fields added to every line, read from the request (and the response,
   * when there is one: not on a reported error without an answer yet). They replace standard
   * fields of the same name.
   *
   * @example
   * logger({ format: "json", fields: (req) => ({ requestId: req.state.requestId }) })
   */
  fields?: (req: HarpiaRequest<any>, res: HarpiaResponse | undefined) => Record<string, unknown> | undefined;
  /** Colour the `dev` format (default: when stdout is a TTY and `NO_COLOR` is unset). */
  colors?: boolean;
  /** Paths not logged (exact match), e.g. health checks; or a function of the path. */
  skip?: readonly string[] | ((path: string) => boolean);
}

/** The options, checked, with their defaults. */
export interface ResolvedLogger {
  readonly format: "dev" | "combined" | "json";
  /** Set for text output (dev, combined, or JSON without a sink). */
  readonly write: (line: string) => void;
  /** Set for JSON with a sink. */
  readonly sink:
    | { kind: "function"; fn: (entry: LogEntry) => void }
    | { kind: "pino"; logger: PinoLike }
    | undefined;
  readonly fields: LoggerOptions["fields"];
  readonly colors: boolean;
  readonly skipped: (path: string) => boolean;
}

const KNOWN = new Set(["format", "write", "sink", "fields", "colors", "skip"]);
const FORMATS = new Set(["dev", "combined", "json"]);

/** True for an object with pino's `info`, `warn` and `error` methods. */
function isPinoLike(value: unknown): value is PinoLike {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.info === "function" &&
    typeof candidate.warn === "function" &&
    typeof candidate.error === "function"
  );
}

const toStdout = (line: string) => {
  process.stdout.write(`${line}\n`);
};

/** Checks `logger(options)`: a `TypeError` naming the option. */
export function resolveLoggerOptions(options: LoggerOptions): ResolvedLogger {
  if (options === null || typeof options !== "object")
    throw new TypeError("logger() takes an options object");
  for (const key of Object.keys(options))
    if (!KNOWN.has(key))
      throw new TypeError(`logger({ ${key} }) is not an option; use ${[...KNOWN].join(", ")}`);
  const format = options.format ?? "dev";
  if (!FORMATS.has(format))
    throw new TypeError(`logger({ format }) must be "dev", "combined" or "json", got ${String(format)}`);
  if (options.write !== undefined && typeof options.write !== "function")
    throw new TypeError("logger({ write }) must be a function taking a line");
  let sink: ResolvedLogger["sink"];
  if (options.sink !== undefined) {
    if (format !== "json") throw new TypeError('logger({ sink }) needs format: "json"');
    if (options.write !== undefined) throw new TypeError("logger(): give `sink` or `write`, not both");
    if (isPinoLike(options.sink)) sink = { kind: "pino", logger: options.sink };
    else if (typeof options.sink === "function") sink = { kind: "function", fn: options.sink };
    else
      throw new TypeError(
        "logger({ sink }) must be a function taking an entry, or a logger with info, warn and error methods (pino)",
      );
  }
  if (options.fields !== undefined) {
    if (typeof options.fields !== "function")
      throw new TypeError("logger({ fields }) must be a function (req, res) => object");
    if (format !== "json") throw new TypeError('logger({ fields }) needs format: "json"');
  }
  if (options.colors !== undefined && typeof options.colors !== "boolean")
    throw new TypeError("logger({ colors }) must be a boolean");
  const skip = options.skip;
  let skipped: (path: string) => boolean;
  if (skip === undefined) skipped = () => false;
  else if (typeof skip === "function") skipped = skip;
  else if (Array.isArray(skip) && skip.every((path) => typeof path === "string")) {
    const paths = new Set(skip);
    skipped = (path) => paths.has(path);
  } else throw new TypeError("logger({ skip }) must be a list of paths or a function of the path");
  return {
    format,
    write: options.write ?? toStdout,
    sink,
    fields: options.fields,
    colors: options.colors ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
    skipped,
  };
}
