import { type HarpiaRequest, type HarpiaResponse, HttpError, type Middleware } from "@harpia/core";
import { type BrowserCookie, isLinked, issueBrowserId, linkSession, readBrowserCookie } from "./csrf-browser";
import type { TokenSigner } from "./csrf-signed";
import { isSessionId } from "./id";
import { sessionHandleOf } from "./state";

/** Options of {@link CSRF.middleware}. */
export interface CSRFMiddlewareOptions {
  /**
   * Finds the session id tokens are tied to. Default: `req.session`'s id when
   * the session plugin ran, else the `cookieName` cookie. A request without one is a
   * visitor: its tokens are tied to the `browserCookieName` cookie instead.
   */
  sessionId?: (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ) => string | undefined | Promise<string | undefined>;
  /** Session cookie read by the default `sessionId` (default `session_id`). */
  cookieName?: string;
  /** Cookie holding a visitor's random browser id (default `csrf_id`). */
  browserCookieName?: string;
  /** Body field holding the token (default `_csrf`). */
  fieldName?: string;
  /** Header holding the token (default `X-CSRF-Token`). */
  headerName?: string;
  /** Methods that need no token (default GET, HEAD, OPTIONS, TRACE). */
  ignoreMethods?: string[];
}

/** What the check needs from its `CSRF`. */
export interface CsrfTokens {
  /** Token lifetime in milliseconds. */
  readonly ttl: number;
  /** The signer of signed tokens (loaded once). */
  signer(): TokenSigner | Promise<TokenSigner>;
  /** A signed token for a session id. */
  token(sessionId: string): Promise<string>;
  /** Whether a token (stored or signed) is valid for a session id. */
  check(sessionId: string, token: unknown): Promise<boolean>;
}

/** Longest token looked at; real ones are 43 (stored) or about 52 (signed) characters. */
const MAX_TOKEN_LENGTH = 256;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkMiddlewareOptions(options: CSRFMiddlewareOptions): void {
  if (options === null || typeof options !== "object")
    throw new TypeError("CSRF middleware options must be an object");
  if (options.sessionId !== undefined && typeof options.sessionId !== "function")
    throw new TypeError("CSRF middleware sessionId must be a function (req, res) => string | undefined");
  for (const option of ["fieldName", "headerName"] as const) {
    const value = options[option];
    if (value !== undefined && (typeof value !== "string" || value === ""))
      throw new TypeError(`CSRF middleware ${option} must be a non-empty string`);
  }
  const methods = options.ignoreMethods;
  if (methods !== undefined && (!Array.isArray(methods) || methods.some((m) => typeof m !== "string")))
    throw new TypeError("CSRF middleware ignoreMethods must be a list of method names");
}

function checkCookieName(option: string, name: string): void {
  if (typeof name !== "string" || !COOKIE_NAME.test(name))
    throw new TypeError(`CSRF middleware ${option} "${name}" is not a valid cookie name`);
}

/** Where `req.state` records the checks a request passed (module-private, not a data key). */
const CHECKED = Symbol("harpia.csrf.checked");

/**
 * Whether this `check` already ran for the request (the plugin app-wide and on a route): the
 * second run would issue a second browser cookie and token.
 */
function alreadyChecked(req: HarpiaRequest<any>, check: Middleware): boolean {
  const state = req.state as unknown as Record<typeof CHECKED, Set<Middleware> | undefined>;
  const done = state[CHECKED];
  if (done?.has(check)) return true;
  if (done === undefined) state[CHECKED] = new Set([check]);
  else done.add(check);
  return false;
}

/**
 * The per-request check of `csrf.middleware(options)`: unsafe methods need a valid token
 * (else 403 `CSRF_INVALID`), safe ones get `res.locals.csrfToken`.
 */
export function csrfCheck(tokens: CsrfTokens, options: CSRFMiddlewareOptions): Middleware {
  checkMiddlewareOptions(options);
  const fieldName = options.fieldName ?? "_csrf";
  const headerName = options.headerName ?? "x-csrf-token";
  const cookieName = options.cookieName ?? "session_id";
  const browserCookie = options.browserCookieName ?? "csrf_id";
  checkCookieName("cookieName", cookieName);
  checkCookieName("browserCookieName", browserCookie);
  const safe = new Set(
    (options.ignoreMethods ?? ["GET", "HEAD", "OPTIONS", "TRACE"]).map((m) => m.toUpperCase()),
  );
  const resolve =
    options.sessionId ??
    ((req: HarpiaRequest<any>): string | undefined => {
      const handle = sessionHandleOf(req);
      if (handle) return handle.id;
      const fromCookie = req.cookies.get(cookieName);
      return isSessionId(fromCookie) ? fromCookie : undefined;
    });
  /** When this request's session gets created from data, tokens of this browser stay valid for it. */
  const linkWhenCreated = (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    signer: TokenSigner,
    browserId: string,
  ) => {
    const handle = sessionHandleOf(req);
    if (handle !== undefined && handle.id === undefined)
      handle.onCreate((id) => linkSession(req, res, browserCookie, signer, browserId, id, tokens.ttl));
  };
  const visitorTokenValid = (signer: TokenSigner, cookie: BrowserCookie, token: string) =>
    cookie.id !== undefined && signer.verify(`b:${cookie.id}`, token);

  const check: Middleware = async (req, res, next) => {
    if (alreadyChecked(req, check)) return next();
    const signer = await tokens.signer();
    const sessionId = await resolve(req, res);
    const cookie = readBrowserCookie(req, browserCookie);
    if (safe.has(req.method)) {
      if (sessionId) {
        res.locals.csrfToken = await tokens.token(sessionId);
      } else {
        const browserId = cookie.id ?? issueBrowserId(req, res, browserCookie);
        res.locals.csrfToken = signer.issue(`b:${browserId}`, tokens.ttl);
        linkWhenCreated(req, res, signer, browserId);
      }
      return next();
    }
    const body = req.body as Record<string, unknown> | undefined;
    const token =
      req.headers.get(headerName) ??
      (body !== null && typeof body === "object" && !Array.isArray(body) ? body[fieldName] : undefined);
    if (token === undefined || token === null || token === "") {
      throw new HttpError(
        403,
        `Missing CSRF token: send it in the "${fieldName}" form field or the ${headerName} header`,
        { code: "CSRF_INVALID" },
      );
    }
    const valid =
      typeof token === "string" &&
      token.length <= MAX_TOKEN_LENGTH &&
      (sessionId
        ? (await tokens.check(sessionId, token)) ||
          (visitorTokenValid(signer, cookie, token) && isLinked(signer, cookie, sessionId))
        : visitorTokenValid(signer, cookie, token));
    if (!valid) {
      throw new HttpError(403, "Invalid or expired CSRF token: reload the page and try again", {
        code: "CSRF_INVALID",
      });
    }
    if (!sessionId && cookie.id !== undefined) linkWhenCreated(req, res, signer, cookie.id);
    res.locals.csrfToken = token as string;
    return next();
  };
  return check;
}
