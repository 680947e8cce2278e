/**
 * Cross-Origin Resource Sharing, behaving like the Express `cors` package: preflights are
 * answered here, actual requests get the allow/expose headers and continue, requests without
 * an `Origin` pass untouched, and a disallowed origin gets no allow headers at all.
 */
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { Middleware, Next } from "../types";
import { vary } from "../utils/vary";
import { type AllowedOrigin, type CorsOrigin, compileOrigin } from "./origin";

/** Options of `app.cors(options, path?)` and {@link cors}. */
export interface CorsOptions {
  /**
   * Allowed origins: `"*"` any (the default), `true` any, echoing the request's origin,
   * `false` none (CORS off), one origin
   * (`"https://example.com"`), a RegExp, a list of strings and RegExps, or a function
   * `(origin, req) => policy` that may be async.
   */
  origin?: CorsOrigin;
  /** Methods allowed by preflights (default `GET,HEAD,PUT,PATCH,POST,DELETE`); `"*"` allows any. */
  methods?: string | readonly string[];
  /** Request headers allowed by preflights; by default the ones the preflight asks for. */
  allowedHeaders?: string | readonly string[];
  /** Response headers scripts may read (`Access-Control-Expose-Headers`). */
  exposedHeaders?: string | readonly string[];
  /**
   * Allow cookies and HTTP auth; the origin is then echoed, never `*`. Default `false`. Needs
   * the allowed origins listed (or a function deciding per request): with "any origin", every
   * website could act as your signed-in users and read the answers, so that is refused.
   */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). */
  maxAge?: number;
  /** Pass preflights on to the next handler instead of answering them. Default `false`. */
  preflightContinue?: boolean;
  /** Status of an answered preflight (default 204; some old browsers need 200). */
  optionsSuccessStatus?: number;
}

const DEFAULT_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";

function list(value: string | readonly string[] | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw new TypeError(`cors ${option}: expected a string or an array of strings`);
  return value.join(",");
}

/** Whether a static `origin` lets every site in (`"*"`, `true`, or a list holding `"*"`). */
function anyOrigin(origin: CorsOrigin | undefined): boolean {
  return (
    origin === undefined ||
    origin === "*" ||
    origin === true ||
    (Array.isArray(origin) && origin.some((entry) => entry === "*"))
  );
}

/** A CORS policy compiled at registration; `handle` is the per-request work. */
export interface CorsPolicy {
  /** Applies CORS to one request: answers a preflight or adds headers and calls `next`. */
  handle(req: HarpiaRequest<any>, res: HarpiaResponse, next: Next): unknown;
}

/** Compiles {@link CorsOptions} once; throws a `TypeError` for an invalid option. */
export function compileCors(options: CorsOptions = {}): CorsPolicy {
  const credentials = options.credentials === true;
  if (credentials && anyOrigin(options.origin))
    throw new TypeError(
      'cors: `credentials: true` needs the allowed origins listed, e.g. origin: "https://app.example.com", ' +
        "a list of origins and RegExps, or a function (origin, req) => boolean. With any origin " +
        `(origin ${options.origin === undefined ? "unset, which means *" : JSON.stringify(options.origin)}), ` +
        "every website could send requests with your users' cookies and read the answers.",
    );
  const enabled = options.origin !== false;
  const matcher = compileOrigin(options.origin ?? "*", credentials);
  const methods = list(options.methods, "methods") ?? DEFAULT_METHODS;
  const anyMethod = methods.trim() === "*";
  const allowedHeaders = list(options.allowedHeaders, "allowedHeaders");
  const exposedHeaders = list(options.exposedHeaders, "exposedHeaders");
  const maxAge = options.maxAge;
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge >= 0))
    throw new TypeError(`cors maxAge must be a non-negative number of seconds, got ${maxAge}`);
  const successStatus = options.optionsSuccessStatus ?? 204;
  if (!Number.isInteger(successStatus) || successStatus < 200 || successStatus > 299)
    throw new TypeError(`cors optionsSuccessStatus must be a 2xx status, got ${successStatus}`);
  const preflightContinue = options.preflightContinue === true;

  const preflight = (req: HarpiaRequest<any>, res: HarpiaResponse, next: Next, allowed: AllowedOrigin) => {
    if (allowed !== undefined) {
      const headers = res.headers;
      headers.set("access-control-allow-origin", allowed);
      if (credentials) headers.set("access-control-allow-credentials", "true");
      if (anyMethod) {
        // `*` is not a wildcard for credentialed requests, so echo what was asked for.
        headers.set("access-control-allow-methods", req.headers.get("access-control-request-method") ?? "*");
        vary(res, "Access-Control-Request-Method");
      } else {
        headers.set("access-control-allow-methods", methods);
      }
      if (allowedHeaders !== undefined) {
        if (allowedHeaders !== "") headers.set("access-control-allow-headers", allowedHeaders);
      } else {
        const requested = req.headers.get("access-control-request-headers");
        if (requested) headers.set("access-control-allow-headers", requested);
        vary(res, "Access-Control-Request-Headers");
      }
      if (maxAge !== undefined) headers.set("access-control-max-age", String(Math.floor(maxAge)));
    }
    if (preflightContinue) return next();
    res.status(successStatus).header("content-length", "0").send(null);
    return undefined;
  };

  const actual = (res: HarpiaResponse, next: Next, allowed: AllowedOrigin) => {
    if (allowed !== undefined) {
      // res.header(), not res.headers: no `Headers` is made until someone reads it.
      res.header("access-control-allow-origin", allowed);
      if (credentials) res.header("access-control-allow-credentials", "true");
      if (exposedHeaders) res.header("access-control-expose-headers", exposedHeaders);
    }
    return next();
  };

  return {
    handle(req, res, next) {
      if (!enabled) return next();
      const origin = req.headers.get("origin");
      // Even without an Origin the answer would differ for one, so shared caches must know.
      if (matcher.varies) vary(res, "Origin");
      if (origin === null) return next();
      const isPreflight = req.method === "OPTIONS" && req.headers.has("access-control-request-method");
      const allowed = matcher.allow(origin, req);
      if (allowed instanceof Promise) {
        return allowed.then((value) =>
          isPreflight ? preflight(req, res, next, value) : actual(res, next, value),
        );
      }
      return isPreflight ? preflight(req, res, next, allowed) : actual(res, next, allowed);
    },
  };
}

/**
 * CORS as a middleware, for `app.use(cors(options))`, a path (`app.use("/api", cors())`) or a
 * single route. Add it to an `OPTIONS` route too when you use it on one route only, so the
 * preflight reaches it. `app.cors(options, path?)` is usually simpler: it runs before every
 * other middleware and picks the most specific path's policy.
 *
 * @example
 * app.use(cors({ origin: ["https://app.example.com", /\.example\.com$/], credentials: true }));
 */
export function cors(options?: CorsOptions): Middleware {
  const policy = compileCors(options);
  return (req, res, next) => policy.handle(req, res, next);
}
