/** The text formats of `logger()`: `dev` and Apache `combined`. */
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";

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

/** `GET /books 200 1.2ms`, the status coloured when `colors`. */
export function devLine(
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  duration: number,
  colors: boolean,
): string {
  const status = res.statusCode;
  const shownStatus = colors ? `${statusColor(status)}${status}\x1b[0m` : String(status);
  return `${req.method} ${req.path} ${shownStatus} ${duration.toFixed(1)}ms`;
}

/** The Apache combined access-log line; `receivedAt` is when the request arrived. */
export function combinedLine(req: HarpiaRequest<any>, res: HarpiaResponse, receivedAt: Date): string {
  const target = req.url.slice(req.url.indexOf("/", req.url.indexOf("//") + 2));
  const length = res.headers.get("content-length") ?? res.bodyLength ?? "-";
  return `${req.ip ?? "-"} - - [${clfDate(receivedAt)}] "${req.originalMethod} ${target} HTTP/1.1" ${res.statusCode} ${length} ${quote(
    req.headers.get("referer"),
  )} ${quote(req.headers.get("user-agent"))}`;
}
