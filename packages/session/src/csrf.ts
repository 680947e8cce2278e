import { timingSafeEqual } from "node:crypto";
import {
  type HarpiaRequest,
  type HarpiaResponse,
  HttpError,
  MemoryStore,
  type Middleware,
  type Store,
} from "@harpia/core";
import { type BrowserCookie, isLinked, issueBrowserId, linkSession, readBrowserCookie } from "./csrf-browser";
import { checkSecret, isSignedToken, sharedSecret, TokenSigner } from "./csrf-signed";
import { TokenList } from "./csrf-tokens";
import { isSessionId } from "./id";
import { sessionHandleOf } from "./state";

/** Options of {@link CSRF}. */
export interface CSRFOptions {
  /**
   * Where `generate()`'s tokens are kept (default: a new `MemoryStore`). Keys are
   * `csrf:<sessionId>`; without `secret`, also the shared secret, under `csrf:~secret`.
   */
  store?: Store;
  /** Token lifetime in **milliseconds**, as in the seed (default 5 minutes). */
  ttl?: number;
  /**
   * Valid `generate()` tokens kept per session (default 10): generating one more drops the
   * oldest. Lets several tabs of one session each submit the token their page was given.
   */
  maxTokens?: number;
  /** Prefix of store keys (default `csrf:`). */
  prefix?: string;
  /**
   * Key of the signed tokens (`token()` and the middleware's), at least 16 characters; a list
   * rotates (the first signs, all verify). The app's `cookieSecret` is a good value. Default: a
   * random secret created once in `store` (shared by every process using that store).
   */
  secret?: string | string[];
}

/** Options of {@link CSRF.middleware}. */
export interface CSRFMiddlewareOptions {
  /**
   * Finds the session id tokens are tied to. Default: `req.session`'s id when
   * `session.middleware()` ran, else the `cookieName` cookie. A request without one is a
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

const DEFAULT_TTL_MS = 5 * 60 * 1000;
const TOKEN_BYTES = 32;
/** Longest token looked at; real ones are 43 (stored) or about 52 (signed) characters. */
const MAX_TOKEN_LENGTH = 256;
const MAX_SESSION_ID_LENGTH = 256;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function newToken(): string {
  const bytes = new Uint8Array(TOKEN_BYTES);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64url");
}

function validSessionId(sessionId: unknown): sessionId is string {
  return typeof sessionId === "string" && sessionId !== "" && sessionId.length <= MAX_SESSION_ID_LENGTH;
}

function checkSessionId(sessionId: unknown): asserts sessionId is string {
  if (!validSessionId(sessionId))
    throw new TypeError("CSRF: sessionId must be a non-empty string of at most 256 characters");
}

function checkCookieName(option: string, name: string): void {
  if (typeof name !== "string" || !COOKIE_NAME.test(name))
    throw new TypeError(`CSRF middleware ${option} "${name}" is not a valid cookie name`);
}

/**
 * CSRF tokens. The seed's `generate`/`check`/`delete` keep tokens per session in the store (the
 * synchronizer token pattern). `token()` and the middleware issue signed tokens instead
 * (HMAC of the session id, or of a visitor's random cookie, and an expiry): nothing is stored
 * per page view, so visitors without a session cost no storage.
 *
 * @example
 * const csrf = new CSRF({ store: new MemoryStore(), ttl: 10 * 60 * 1000 });
 * const token = await csrf.generate(sessionId);
 * await csrf.check(sessionId, token); // true
 */
export class CSRF {
  /** Token lifetime in milliseconds. */
  readonly ttl: number;
  /** Valid `generate()` tokens kept per session. */
  readonly maxTokens: number;
  private readonly ttlSeconds: number;
  private readonly prefix: string;
  private readonly store: Store;
  private readonly tokens: TokenList;
  private signer: TokenSigner | undefined;
  private loadingSigner: Promise<TokenSigner> | undefined;

  constructor(options: CSRFOptions = {}) {
    this.ttl = options.ttl ?? DEFAULT_TTL_MS;
    if (!Number.isFinite(this.ttl) || this.ttl <= 0)
      throw new RangeError(`CSRF ttl must be a positive number of milliseconds, got ${options.ttl}`);
    this.maxTokens = options.maxTokens ?? 10;
    if (!Number.isInteger(this.maxTokens) || this.maxTokens < 1)
      throw new RangeError(`CSRF maxTokens must be a positive integer, got ${options.maxTokens}`);
    // Stores take whole seconds; round up so a token never outlives its list.
    this.ttlSeconds = Math.max(1, Math.ceil(this.ttl / 1000));
    this.prefix = options.prefix ?? "csrf:";
    this.store = options.store ?? new MemoryStore();
    this.tokens = new TokenList(this.store, this.maxTokens);
    if (options.secret !== undefined) {
      checkSecret(options.secret);
      this.signer = new TokenSigner(options.secret);
    }
  }

  private key(sessionId: string): string {
    return this.prefix + sessionId;
  }

  /** The signer: from `secret`, or from the secret kept in the store (read once). */
  private tokenSigner(): TokenSigner | Promise<TokenSigner> {
    if (this.signer) return this.signer;
    this.loadingSigner ??= sharedSecret(this.store, `${this.prefix}~secret`).then(
      (secret) => (this.signer = new TokenSigner(secret)),
      (error) => {
        this.loadingSigner = undefined;
        throw error;
      },
    );
    return this.loadingSigner;
  }

  /**
   * Issues a new token for the session, kept in the store. Earlier tokens stay valid until they
   * expire or `maxTokens` newer ones were issued, so pages open in other tabs keep working.
   */
  async generate(sessionId: string): Promise<string> {
    checkSessionId(sessionId);
    const token = newToken();
    await this.tokens.push(this.key(sessionId), { token, expiresAt: Date.now() + this.ttl }, this.ttlSeconds);
    return token;
  }

  /**
   * A token to put in a page: signed for the session, valid `ttl`, stored nowhere (so it is
   * not revoked by `delete()`; it dies with the session id, which changes at login).
   */
  async token(sessionId: string): Promise<string> {
    checkSessionId(sessionId);
    return (await this.tokenSigner()).issue(`s:${sessionId}`, this.ttl);
  }

  /**
   * True when `token` is valid for the session: one of its unexpired `generate()` tokens
   * (compared in constant time), or an unexpired `token()` of this session id.
   */
  async check(sessionId: string, token: unknown): Promise<boolean> {
    if (!validSessionId(sessionId)) return false;
    if (typeof token !== "string" || token === "" || token.length > MAX_TOKEN_LENGTH) return false;
    if (isSignedToken(token)) return (await this.tokenSigner()).verify(`s:${sessionId}`, token);
    const entries = await this.tokens.read(this.key(sessionId));
    const given = Buffer.from(token);
    const now = Date.now();
    let valid = false;
    // Look at every entry, without stopping at a match, so timing tells nothing about which.
    for (const entry of entries) {
      const expected = Buffer.from(entry.token);
      const same = expected.length === given.length && timingSafeEqual(expected, given);
      if (same && entry.expiresAt > now) valid = true;
    }
    return valid;
  }

  /** Deletes every `generate()` token of the session. */
  async delete(sessionId: string): Promise<void> {
    checkSessionId(sessionId);
    await this.tokens.delete(this.key(sessionId));
  }

  /**
   * A middleware protecting unsafe methods (POST, PUT, PATCH, DELETE...): the request must
   * carry a valid token in the `_csrf` body field or the `X-CSRF-Token` header, else it is
   * answered 403 (`code: "CSRF_INVALID"`). Safe methods get a token in `res.locals.csrfToken`
   * for forms: tied to the session when there is one, else to a random `csrf_id` cookie (no
   * session is created for it, and nothing is stored).
   *
   * @example
   * app.use(session.middleware());
   * app.use(csrf.middleware());
   * app.get("/form", (req, res) =>
   *   res.html(`<form method="post"><input type="hidden" name="_csrf" value="${res.locals.csrfToken}"></form>`));
   */
  middleware(options: CSRFMiddlewareOptions = {}): Middleware {
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
        handle.onCreate((id) => linkSession(req, res, browserCookie, signer, browserId, id, this.ttl));
    };
    const visitorTokenValid = (signer: TokenSigner, cookie: BrowserCookie, token: string) =>
      cookie.id !== undefined && signer.verify(`b:${cookie.id}`, token);

    return async (req, res, next) => {
      const signer = await this.tokenSigner();
      const sessionId = await resolve(req, res);
      const cookie = readBrowserCookie(req, browserCookie);
      if (safe.has(req.method)) {
        if (sessionId) {
          res.locals.csrfToken = await this.token(sessionId);
        } else {
          const browserId = cookie.id ?? issueBrowserId(req, res, browserCookie);
          res.locals.csrfToken = signer.issue(`b:${browserId}`, this.ttl);
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
          ? (await this.check(sessionId, token)) ||
            (visitorTokenValid(signer, cookie, token) && isLinked(signer, cookie, sessionId))
          : visitorTokenValid(signer, cookie, token));
      if (!valid) {
        throw new HttpError(403, "Invalid or expired CSRF token: reload the page and try again", {
          code: "CSRF_INVALID",
        });
      }
      if (!sessionId && cookie.id !== undefined) linkWhenCreated(req, res, signer, cookie.id);
      res.locals.csrfToken = token;
      return next();
    };
  }
}
