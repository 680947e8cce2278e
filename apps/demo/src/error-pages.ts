import { statusText, toHttpError } from "@harpia/core";
import { preferredFormat, writeErrorResponse } from "@harpia/core/utils";
import type { PresetErrorHandler } from "@harpia/preset";
import { services } from "./context";
import { loadUser } from "./middleware/pages";

/**
 * Error pages in the site's own layout for browsers (404s, a refused CSRF token, an upload
 * over the limit...). Requests that prefer JSON, or say nothing (API clients), go on to the
 * preset's unhandled-error handler, which answers JSON or text. If the page itself cannot be
 * rendered, the error goes on too, so something is always answered.
 */
export function htmlErrorPages(dumpExceptions: () => boolean): PresetErrorHandler {
  return async (thrown, req, res, next) => {
    const accept = req.headers.get("accept");
    if (!accept || preferredFormat(accept, ["json", "html"]) !== "html") return next();
    const error = toHttpError(thrown);
    const dump = dumpExceptions();
    try {
      // Unmatched requests (404) never ran the page middleware: load the user for the nav.
      if (res.locals.user === undefined && req.session !== undefined)
        await loadUser(req, res, async () => {});
      if (res.locals.csrfToken === undefined && req.session?.id)
        res.locals.csrfToken = await services(req).csrf.instance.token(req.session.id);
      res.status(error.status);
      if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.header(name, value);
      await res.render("error", {
        status: error.status,
        heading: statusText(error.status),
        message:
          error.expose || dump ? error.message : "Something went wrong on our side; it has been logged.",
        stack:
          dump && error.status >= 500
            ? (error.cause instanceof Error ? error.cause : error).stack
            : undefined,
      });
    } catch {
      next();
    }
  };
}

/**
 * The JSON API (`/api/...`) answers errors as JSON (`{ status, code, message, details }`) to
 * clients that send no `Accept` (curl, fetch), where the preset's default would answer text.
 */
export function jsonApiErrors(dumpExceptions: () => boolean): PresetErrorHandler {
  return (thrown, req, res, next) => {
    if (!req.path.startsWith("/api/")) return next();
    writeErrorResponse(toHttpError(thrown), req, res, dumpExceptions());
  };
}
