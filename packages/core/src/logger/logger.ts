/** `logger()`: access logs as a plugin (hooks, every response) or as route middleware. */
import type { Harpia } from "../app";
import { definePlugin } from "../define-plugin";
import type { Plugin } from "../plugin";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { Middleware } from "../types";
import { emitter, jsonReporter, writeRequestEntry } from "./json";
import { type LoggerOptions, type ResolvedLogger, resolveLoggerOptions } from "./options";
import { combinedLine, devLine } from "./text";

/** Writes the line of one answered request. */
type LineWriter = (
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  duration: number | undefined,
  development: boolean,
) => void;

function lineWriter(options: ResolvedLogger): LineWriter {
  if (options.format === "json") {
    const out = emitter(options);
    return (req, res, duration, development) =>
      writeRequestEntry(options, out, req, res, duration, development);
  }
  const { write, colors } = options;
  if (options.format === "combined")
    return (req, res, duration) => write(combinedLine(req, res, new Date(Date.now() - (duration ?? 0))));
  return (req, res, duration) => write(devLine(req, res, duration ?? 0, colors));
}

/**
 * Logs every request once its response is ready: method, path, final status and duration.
 *
 * `app.use(logger())` installs hooks: every response is logged whatever the order of
 * middleware (404s, 405s, static files, errors, requests an `onRequest` hook answered), timed
 * from the moment the request entered the app (`app.timeRequests()`), and Bun's native routes
 * stay native. On one route or router (`router.use(logger())`) it is middleware around that
 * chain instead.
 *
 * With `format: "json"` each line is one JSON object (see {@link LogEntry}) written to stdout,
 * to `write`, or to a `sink`: a function or a pino logger. Installed with `app.use`, it also
 * becomes where the app reports unexpected errors (5xx, failing hooks) unless
 * `harpia({ logErrors })` was set to `false` or a function: those go out as `error` lines with
 * their stack, through the same sink.
 *
 * @example
 * app.use(logger());                        // GET /books 200 0.4ms
 * app.use(logger({ format: "combined" }));  // Apache combined access log
 * app.use(logger({ format: "json", sink: pino() }));
 */
export function logger(options: LoggerOptions = {}): Middleware & Plugin {
  const resolved = resolveLoggerOptions(options);
  const line = lineWriter(resolved);
  const { skipped } = resolved;

  const middleware: Middleware = async (req, res, next) => {
    if (skipped(req.path)) return next();
    const started = performance.now();
    await next();
    line(req, res, performance.now() - started, false);
  };

  return definePlugin(
    {
      name: "@harpia/core:logger",
      setup(app: Harpia) {
        app.timeRequests();
        app.addHook("onResponse", (req, res) => {
          if (skipped(req.path)) return;
          const duration = req.startTime === undefined ? undefined : performance.now() - req.startTime;
          line(req, res, duration, app.settings.development);
        });
        if (resolved.format === "json") app.setErrorReporter(jsonReporter(resolved, emitter(resolved)));
      },
    },
    middleware,
  );
}
