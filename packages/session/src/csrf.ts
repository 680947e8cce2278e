import { timingSafeEqual } from "node:crypto";
import {
  type HarpiaRequest,
  type HarpiaResponse,
  HttpError,
  MemoryStore,
  type Middleware,
  type Store,
} from "@harpia/core";
import { TokenList } from "./csrf-tokens";
import { isSessionId } from "./id";
import { sessionHandleOf } from "./state";

/** Options of {@link CSRF}. */
export interface CSRFOptions {
  /** Where tokens are kept (default: a new `MemoryStore`). Keys are `csrf:<sessionId>`. */
  store?: Store;
  /** Token lifetime in **milliseconds**, as in the seed (default 5 minutes). */
  ttl?: number;
  /**
   * Valid tokens kept per session (default 10): generating one more drops the oldest. Lets
   * several tabs of one session each submit the token their page was given.
   */
  maxTokens?: number;
  /** Prefix of store keys (default `csrf:`). */
  prefix?: string;
}

/** Options of {@link CSRF.middleware}. */
export interface CSRFMiddlewareOptions {
  /**
   * Finds the session id tokens are tied to. Default: `req.session`'s id when
   * `session.middleware()` ran (a new session is saved so a form can carry a token), else the
   * `cookieName` cookie.
   */
  sessionId?: (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ) => string | undefined | Promise<string | undefined>;
  /** Session cookie read by the default `sessionId` (default `session_id`). */
  cookieName?: string;
  /** Body field holding the token (default `_csrf`). */
  fieldName?: string;
  /** Header holding the token (default `X-CSRF-Token`). */
  headerName?: string;
  /** Methods that need no token (default GET, HEAD, OPTIONS, TRACE). */
  ignoreMethods?: string[];
}

const DEFAULT_TTL_MS = 5 * 60 * 1000;
const TOKEN_BYTES = 32;
/** Longest token looked at; real ones are 43 characters. */
const MAX_TOKEN_LENGTH = 256;
const MAX_SESSION_ID_LENGTH = 256;

function newToken(): string {
  const bytes = new Uint8Array(TOKEN_BYTES);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64url");
}

function checkSessionId(sessionId: unknown): asserts sessionId is string {
  if (typeof sessionId !== "string" || sessionId === "" || sessionId.length > MAX_SESSION_ID_LENGTH)
    throw new TypeError("CSRF: sessionId must be a non-empty string of at most 256 characters");
}

/**
 * CSRF tokens tied to a session (the synchronizer token pattern): each form carries a random
 * token the server issued for that session; a forged cross-site request cannot know it.
 *
 * @example
 * const csrf = new CSRF({ store: new MemoryStore(), ttl: 10 * 60 * 1000 });
 * const token = await csrf.generate(sessionId);
 * await csrf.check(sessionId, token); // true
 */
export class CSRF {
  /** Token lifetime in milliseconds. */
  readonly ttl: number;
  /** Valid tokens kept per session. */
  readonly maxTokens: number;
  private readonly ttlSeconds: number;
  private readonly prefix: string;
  private readonly tokens: TokenList;

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
    this.tokens = new TokenList(options.store ?? new MemoryStore(), this.maxTokens);
  }

  private key(sessionId: string): string {
    return this.prefix + sessionId;
  }

  /**
   * Issues a new token for the session. Earlier tokens stay valid until they expire or
   * `maxTokens` newer ones were issued, so pages open in other tabs keep working.
   */
  async generate(sessionId: string): Promise<string> {
    checkSessionId(sessionId);
    const token = newToken();
    await this.tokens.push(this.key(sessionId), { token, expiresAt: Date.now() + this.ttl }, this.ttlSeconds);
    return token;
  }

  /**
   * A token to put in a page: the newest one while more than half its lifetime is left,
   * otherwise a new one. Rendering pages does not churn through the session's tokens.
   */
  async token(sessionId: string): Promise<string> {
    checkSessionId(sessionId);
    const [newest] = await this.tokens.read(this.key(sessionId));
    if (newest !== undefined && newest.expiresAt - Date.now() > this.ttl / 2) return newest.token;
    return this.generate(sessionId);
  }

  /** True when `token` is one of the session's unexpired tokens (compared in constant time). */
  async check(sessionId: string, token: unknown): Promise<boolean> {
    if (typeof sessionId !== "string" || sessionId === "" || sessionId.length > MAX_SESSION_ID_LENGTH)
      return false;
    if (typeof token !== "string" || token === "" || token.length > MAX_TOKEN_LENGTH) return false;
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

  /** Deletes every token of the session. */
  async delete(sessionId: string): Promise<void> {
    checkSessionId(sessionId);
    await this.tokens.delete(this.key(sessionId));
  }

  /**
   * A middleware protecting unsafe methods (POST, PUT, PATCH, DELETE...): the request must
   * carry one of the session's tokens in the `_csrf` body field or the `X-CSRF-Token` header,
   * else it is answered 403 (`code: "CSRF_INVALID"`). Safe methods get a token in
   * `res.locals.csrfToken` for forms.
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
    const safe = new Set(
      (options.ignoreMethods ?? ["GET", "HEAD", "OPTIONS", "TRACE"]).map((m) => m.toUpperCase()),
    );
    const resolve =
      options.sessionId ??
      (async (req: HarpiaRequest<any>): Promise<string | undefined> => {
        const handle = sessionHandleOf(req);
        if (handle) {
          // A token needs a session to belong to: create it now on pages that show a form.
          if (handle.id === undefined && safe.has(req.method)) return handle.save();
          return handle.id;
        }
        const fromCookie = req.cookies.get(cookieName);
        return isSessionId(fromCookie) ? fromCookie : undefined;
      });

    return async (req, res, next) => {
      if (safe.has(req.method)) {
        const sessionId = await resolve(req, res);
        if (sessionId) res.locals.csrfToken = await this.token(sessionId);
        return next();
      }
      const sessionId = await resolve(req, res);
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
      if (!sessionId || !(await this.check(sessionId, token))) {
        throw new HttpError(403, "Invalid or expired CSRF token: reload the page and try again", {
          code: "CSRF_INVALID",
        });
      }
      res.locals.csrfToken = token;
      return next();
    };
  }
}
