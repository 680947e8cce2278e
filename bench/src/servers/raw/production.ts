/**
 * S10 by hand, for the raw Bun baseline: what `@harpia/request-id`, core's JSON logger and
 * `@harpia/rate-limit` (memory, sliding window) do on every request, written without a framework.
 */
import { RATE_LIMIT } from "../../real-app";

/** Incoming ids kept: 1–128 characters of a header-, log- and URL-safe set (as @harpia/request-id). */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request's id: a valid incoming `X-Request-Id`, else a new UUIDv7. */
export function requestId(req: Request): string {
  const incoming = req.headers.get("x-request-id");
  return incoming !== null && REQUEST_ID.test(incoming) ? incoming : Bun.randomUUIDv7();
}

interface Window {
  index: number;
  current: number;
  previous: number;
}

/** Per-client counters; bounded like the limiter's own store (oldest dropped past 50,000). */
const windows = new Map<string, Window>();
const MAX_CLIENTS = 50_000;
const windowMs = RATE_LIMIT.windowSeconds * 1000;
const POLICY = `"default";q=${RATE_LIMIT.limit};w=${RATE_LIMIT.windowSeconds}`;

/**
 * Counts a request for `client` (sliding-window counter: this window's count plus the previous
 * one's, weighted by how much of it is still within the last window). `undefined` when allowed
 * with the headers to add; a 429 response when not.
 */
export function rateLimit(client: string, headers: Headers): Response | undefined {
  const now = Date.now();
  const index = Math.floor(now / windowMs);
  let w = windows.get(client);
  if (w === undefined) {
    if (windows.size >= MAX_CLIENTS) windows.delete(windows.keys().next().value!);
    w = { index, current: 0, previous: 0 };
    windows.set(client, w);
  } else if (w.index !== index) {
    w.previous = w.index === index - 1 ? w.current : 0;
    w.current = 0;
    w.index = index;
  }
  w.current++;
  const elapsed = now - index * windowMs;
  const estimate = w.current + Math.floor((w.previous * (windowMs - elapsed)) / windowMs);
  const remaining = Math.max(0, RATE_LIMIT.limit - estimate);
  const reset = Math.max(1, Math.ceil((windowMs - elapsed) / 1000));
  headers.set("ratelimit-policy", POLICY);
  headers.set("ratelimit", `"default";r=${remaining};t=${reset}`);
  if (estimate > RATE_LIMIT.limit) {
    headers.set("retry-after", String(reset));
    headers.set("content-type", "application/problem+json");
    return new Response(JSON.stringify({ status: 429, title: "Too Many Requests" }), {
      status: 429,
      headers,
    });
  }
  return undefined;
}

/** A no-op sink: the line is built and serialized, then dropped (as `/dev/null`). */
const sink = (_line: string) => {};

let isoMs = -1;
let isoText = "";

/** Writes the JSON access-log line of an answered request. */
export function logRequest(
  req: Request,
  path: string,
  route: string,
  status: number,
  started: number,
  bytes: number,
  ip: string | undefined,
  id: string,
): void {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  sink(
    JSON.stringify({
      time: isoText,
      level,
      msg: `${req.method} ${path} ${status}`,
      method: req.method,
      path,
      route,
      ip,
      status,
      duration: Math.round((performance.now() - started) * 1000) / 1000,
      bytes,
      requestId: id,
    }),
  );
}
