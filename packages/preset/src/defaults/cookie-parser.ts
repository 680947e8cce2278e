import { type Middleware, RequestCookies, ResponseCookies } from "@harpia/core";

/**
 * Installed only when the `configure.cookieParser` step is cancelled: the app was created
 * with the cookie secret (core reads it at construction), so this gives each request cookie
 * objects without it. Signed cookies are then neither issued nor verified, as if the preset
 * had never set a secret. The common path (step not cancelled) costs nothing per request.
 */
export const unsignedCookies: Middleware = (req, res, next) => {
  Object.defineProperty(req, "cookies", {
    value: new RequestCookies(req.raw.headers.get("cookie")),
    configurable: true,
  });
  Object.defineProperty(res, "cookies", {
    value: new ResponseCookies((header) => res.headers.append("set-cookie", header)),
    configurable: true,
  });
  void next();
};
