import type { Middleware } from "./types";

/** Options of {@link logger}. */
export interface LoggerOptions {
  /**
   * `"dev"` (default): `GET /books 200 1.2ms`, coloured on a TTY.
   * `"combined"`: the Apache combined access-log line.
   */
  format?: "dev" | "combined";
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  /** Colour the `dev` format (default: when stdout is a TTY and `NO_COLOR` is unset). */
  colors?: boolean;
  /** Paths not logged (exact match), e.g. health checks. */
  skip?: string[] | ((path: string) => boolean);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `10/Oct/2000:13:55:36 +0000`, the timestamp of the Apache log formats (in UTC). */
function clfDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}

function quote(value: string | null | undefined): string {
  return value ? `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"` : '"-"';
}

function statusColor(status: number): string {
  if (status >= 500) return "\x1b[31m";
  if (status >= 400) return "\x1b[33m";
  if (status >= 300) return "\x1b[36m";
  return "\x1b[32m";
}

/**
 * Logs each request after its response is ready: method, path, status and duration. Errors
 * are logged with their final status (the error handler has answered by then).
 *
 * @example
 * app.use(logger());                      // GET /books 200 0.4ms
 * app.use(logger({ format: "combined" })); // Apache combined access log
 */
export function logger(options: LoggerOptions = {}): Middleware {
  const format = options.format ?? "dev";
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const colors = options.colors ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const skip = options.skip;
  const skipped =
    skip === undefined ? () => false : Array.isArray(skip) ? (path: string) => skip.includes(path) : skip;

  return async (req, res, next) => {
    if (skipped(req.path)) return next();
    const started = performance.now();
    const startedAt = new Date();
    await next();
    const status = res.statusCode;
    if (format === "combined") {
      const target = req.url.slice(req.url.indexOf("/", req.url.indexOf("//") + 2));
      const length = res.headers.get("content-length") ?? res.bodyLength ?? "-";
      write(
        `${req.ip ?? "-"} - - [${clfDate(startedAt)}] "${req.originalMethod} ${target} HTTP/1.1" ${status} ${length} ${quote(
          req.headers.get("referer"),
        )} ${quote(req.headers.get("user-agent"))}`,
      );
      return;
    }
    const ms = (performance.now() - started).toFixed(1);
    const shownStatus = colors ? `${statusColor(status)}${status}\x1b[0m` : String(status);
    write(`${req.method} ${req.path} ${shownStatus} ${ms}ms`);
  };
}
