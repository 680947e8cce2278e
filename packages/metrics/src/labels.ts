// Label values: each from a small, fixed set, so no request can add a series (a scan of random
// URLs or methods leaves the number of series as it was).

/**
 * The `route` label of a request no route pattern matched: a 404, a static file, an automatic
 * `OPTIONS` or 405 answer, a request an `onRequest` hook answered.
 */
export const UNMATCHED_ROUTE = "(unmatched)";

/** The `method` label of any method not in {@link KNOWN_METHODS}. */
export const OTHER_METHOD = "OTHER";

/** The methods that get a label of their own (RFC 9110's and PATCH). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "CONNECT",
  "TRACE",
]);

/** The `method` label: the method, or `"OTHER"` for one outside {@link KNOWN_METHODS}. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER_METHOD;
}

/**
 * The `route` label: the pattern of the route that matched (`req.route`, as registered, e.g.
 * `"/users/:id"`), never the raw path; {@link UNMATCHED_ROUTE} when none did (404s, static
 * files, automatic OPTIONS and 405 answers, requests an `onRequest` hook answered).
 */
export function routeLabel(route: string | undefined): string {
  return route ?? UNMATCHED_ROUTE;
}

/** `"100"` to `"599"`, made once: the `status` label of every response. */
const STATUS_TEXT: readonly string[] = Array.from({ length: 600 }, (_, status) => String(status));

/** The `status` label: the response's status code, as text. */
export function statusLabel(status: number): string {
  return STATUS_TEXT[status] ?? String(status);
}
