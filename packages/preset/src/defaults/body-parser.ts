import { HttpError, type Middleware, withRouteOptions } from "@harpia/core";
import { mediaType, parseSize, pathWithin, trimTrailingSlash } from "@harpia/core/utils";
import type { BodyParserConfig } from "../config";

const FORM = "application/x-www-form-urlencoded";

function normalizePrefix(prefix: string): string {
  if (typeof prefix !== "string" || !prefix.startsWith("/"))
    throw new TypeError(`bodyParser.urlencoded: paths must start with "/", got ${JSON.stringify(prefix)}`);
  return trimTrailingSlash(prefix);
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
      // Whole segments: `/login` covers `/login/x`, not `/loginx`.
      !allowed.some((prefix) => pathWithin(req.path, prefix))
    ) {
      throw new HttpError(415, `Content-Type "${FORM}" is not accepted here; send JSON`, {
        code: "UNSUPPORTED_MEDIA_TYPE",
      });
    }
    void next();
  };
  return withRouteOptions(guard, { bodyLimit });
}
