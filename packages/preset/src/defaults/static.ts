import { type Harpia, type HarpiaResponse, isHttpError, type Middleware } from "@harpia/core";
import { trimTrailingSlash } from "@harpia/core/utils";
import type { StaticEntry } from "../config";
import { dropNoCache } from "./cache";

function checkEntry(entry: StaticEntry, index: number): void {
  const where = `config.static[${index}]`;
  if (entry === null || typeof entry !== "object") throw new TypeError(`${where} must be { route, path }`);
  if (typeof entry.route !== "string" || !entry.route.startsWith("/"))
    throw new TypeError(
      `${where}.route must be a URL path starting with "/", got ${JSON.stringify(entry.route)}`,
    );
  if (typeof entry.path !== "string" || entry.path === "")
    throw new TypeError(`${where}.path must be a file or folder path`);
}

/**
 * Single-file entries (`file: true`) as one middleware: a map lookup per request, and only
 * requests for exactly such a URL touch the disk. A missing file falls through.
 */
function fileEntries(entries: StaticEntry[]): Middleware | undefined {
  const byRoute = new Map<string, StaticEntry[]>();
  // Later entries first: the last one configured for a URL gets the first chance.
  for (const entry of [...entries].reverse()) {
    const route = trimTrailingSlash(entry.route);
    byRoute.set(route, [...(byRoute.get(route) ?? []), entry]);
  }
  if (byRoute.size === 0) return undefined;
  const serve = async (candidates: StaticEntry[], res: HarpiaResponse): Promise<boolean> => {
    for (const entry of candidates) {
      try {
        await res.file(entry.path, entry.options);
      } catch (error) {
        if (isHttpError(error) && error.status === 404) continue;
        throw error;
      }
      if (entry.cors) res.header("access-control-allow-origin", "*");
      return true;
    }
    return false;
  };
  return (req, res, next) => {
    const candidates =
      req.method === "GET" || req.method === "HEAD" ? byRoute.get(trimTrailingSlash(req.path)) : undefined;
    if (candidates === undefined) return next();
    return serve(candidates, res).then((served) => (served ? undefined : next()));
  };
}

/**
 * The default of `configure.static`: folder entries become core static mounts (tried after
 * routes, the entry added last first, a miss falling through to the next and then to the
 * 404), single-file entries a middleware. Static files never carry the dynamic no-cache
 * headers; `cors: true` adds `Access-Control-Allow-Origin: *` to the files of that entry.
 */
export function mountStatic(app: Harpia, entries: StaticEntry[]): void {
  entries.forEach(checkEntry);
  const files = fileEntries(entries.filter((e) => e.file));
  if (files) app.use(files);
  for (const entry of entries.filter((e) => !e.file).reverse()) {
    const own = entry.options?.setHeaders;
    app.static(entry.path, {
      ...entry.options,
      prefix: entry.route,
      fallthrough: true,
      setHeaders(res, filePath, info) {
        dropNoCache(res);
        if (entry.cors) res.header("access-control-allow-origin", "*");
        own?.(res, filePath, info);
      },
    });
  }
}
