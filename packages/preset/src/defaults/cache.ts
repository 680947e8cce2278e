import type { HarpiaResponse, Middleware } from "@harpia/core";

/** The headers that keep dynamic responses out of every cache (the seed's defaults). */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-cache, no-store, must-revalidate",
  pragma: "no-cache",
  expires: "0",
};

/**
 * Marks every dynamic response uncacheable. Set before the route runs, so a route that sets
 * its own `Cache-Control` wins; static files (served after the chain) drop these headers.
 */
export const noCache: Middleware = (_req, res, next) => {
  const headers = res.headers;
  headers.set("cache-control", NO_CACHE_HEADERS["cache-control"]!);
  headers.set("pragma", NO_CACHE_HEADERS.pragma!);
  headers.set("expires", NO_CACHE_HEADERS.expires!);
  void next();
};

/** Removes what {@link noCache} set (for static files, which carry their own validators). */
export function dropNoCache(res: HarpiaResponse): void {
  if (!res.headers.has("pragma")) return;
  for (const name of Object.keys(NO_CACHE_HEADERS)) {
    if (res.headers.get(name) === NO_CACHE_HEADERS[name]) res.headers.delete(name);
  }
}
