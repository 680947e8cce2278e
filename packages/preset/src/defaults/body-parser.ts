import { HttpError, type Middleware, withRouteOptions } from "@harpia/core";
import { mediaType } from "@harpia/core/utils";
import type { BodyParserConfig } from "../config";
import { parseSize } from "../size";

const FORM = "application/x-www-form-urlencoded";

/** Whether `path` is `prefix` or below it, by whole segments (`/login` covers `/login/x`, not `/loginx`). */
function within(path: string, prefix: string): boolean {
  if (prefix === "/" || path === prefix) return true;
  return path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47;
}

function normalizePrefix(prefix: string): string {
  if (typeof prefix !== "string" || !prefix.startsWith("/"))
    throw new TypeError(`bodyParser.urlencoded: paths must start with "/", got ${JSON.stringify(prefix)}`);
  return prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
}

/**
 * The preset's body parser. Core parses bodies before the route runs; this middleware sets
 * the default limit for every route through route options (read once, at registration: a
 * route's own `{ bodyLimit }` wins, and a middleware carrying a bigger one, such as an upload
 * middleware, raises it), and refuses urlencoded bodies with 415 where they are not accepted.
 */
export function bodyParser(config: BodyParserConfig & { limit: number | string }): Middleware {
  const bodyLimit = parseSize(config.limit, "bodyParser.limit");
  const urlencoded = config.urlencoded ?? false;
  if (urlencoded === true) return withRouteOptions((_req, _res, next) => void next(), { bodyLimit });
  if (urlencoded !== false && !Array.isArray(urlencoded))
    throw new TypeError("bodyParser.urlencoded must be true, false or a list of path prefixes");
  const allowed = (urlencoded || []).map(normalizePrefix);
  const guard: Middleware = (req, _res, next) => {
    // A parsed body is the only case to look at; the header is read only then.
    if (
      req.body !== undefined &&
      mediaType(req.header("content-type")) === FORM &&
      !allowed.some((prefix) => within(req.path, prefix))
    ) {
      throw new HttpError(415, `Content-Type "${FORM}" is not accepted here; send JSON`, {
        code: "UNSUPPORTED_MEDIA_TYPE",
      });
    }
    void next();
  };
  return withRouteOptions(guard, { bodyLimit });
}
