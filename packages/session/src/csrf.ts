import {
  definePlugin,
  type Harpia,
  MemoryStore,
  type Middleware,
  type Plugin,
  type Store,
} from "@harpia/core";
import { randomToken, safeEqual } from "@harpia/core/utils";
import { type CSRFMiddlewareOptions, csrfCheck } from "./csrf-middleware";
import { checkSecret, isSignedToken, sharedSecret, TokenSigner } from "./csrf-signed";
import { TokenList } from "./csrf-tokens";

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
   * rotates (the first signs, all verify). Default: the app's `cookieSecret` (through
   * `app.signer`) once the plugin is installed with `app.use()` on an app that has one; else a
   * random secret created once in `store` (shared by every process using that store).
   */
  secret?: string | string[];
}

declare module "@harpia/core" {
  interface Locals {
    /** The CSRF token for this page's forms, set by the `@harpia/session` CSRF plugin. */
    csrfToken?: string;
  }
}

/** The plugin name of CSRF protection (`app.hasPlugin("@harpia/session/csrf")`). */
export const CSRF_PLUGIN = "@harpia/session/csrf";

/**
 * What `csrf(options)` and `csrf.middleware(options)` return. `app.use(plugin)` protects every
 * unsafe request of the app; the same value is a middleware for one route or router
 * (`app.post(path, plugin, handler)`, `router.use(plugin)`). `instance` is the {@link CSRF}
 * behind it (`generate`, `check`, `token`, `delete`).
 */
export type CSRFPlugin = Middleware & Plugin & { readonly instance: CSRF };

const DEFAULT_TTL_MS = 5 * 60 * 1000;
/** Longest token looked at; real ones are 43 (stored) or about 52 (signed) characters. */
const MAX_TOKEN_LENGTH = 256;
const MAX_SESSION_ID_LENGTH = 256;

function validSessionId(sessionId: unknown): sessionId is string {
  return typeof sessionId === "string" && sessionId !== "" && sessionId.length <= MAX_SESSION_ID_LENGTH;
}

function checkSessionId(sessionId: unknown): asserts sessionId is string {
  if (!validSessionId(sessionId))
    throw new TypeError("CSRF: sessionId must be a non-empty string of at most 256 characters");
}

/**
 * Makes CSRF protection: `app.use(csrf())` answers 403 to unsafe requests (POST, PUT, PATCH,
 * DELETE...) without a valid token and gives pages `res.locals.csrfToken`; the same value
 * protects one route (`app.post("/transfer", protect, handler)`). Takes the options of
 * {@link CSRF} and of {@link CSRF.middleware} together.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { csrf, session } from "@harpia/session";
 *
 * const app = harpia({ cookieSecret: process.env.COOKIE_SECRET });
 * app.use(session());
 * app.use(csrf({ ttl: 60 * 60 * 1000 }));
 */
export function csrf(options: CSRFOptions & CSRFMiddlewareOptions = {}): CSRFPlugin {
  return new CSRF(options).middleware(options);
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
  /** Where `generate()` tokens (and, without a key, the shared secret) are kept. */
  readonly store: Store;
  private readonly tokens: TokenList;
  #signer: TokenSigner | undefined;
  #loadingSigner: Promise<TokenSigner> | undefined;
  /** The `MemoryStore` this instance made itself (no `store` given): closed with the app. */
  readonly #ownStore: MemoryStore | undefined;

  constructor(options: CSRFOptions = {}) {
    if (options === null || typeof options !== "object")
      throw new TypeError("CSRF options must be an object");
    this.ttl = options.ttl ?? DEFAULT_TTL_MS;
    if (!Number.isFinite(this.ttl) || this.ttl <= 0)
      throw new RangeError(`CSRF ttl must be a positive number of milliseconds, got ${options.ttl}`);
    this.maxTokens = options.maxTokens ?? 10;
    if (!Number.isInteger(this.maxTokens) || this.maxTokens < 1)
      throw new RangeError(`CSRF maxTokens must be a positive integer, got ${options.maxTokens}`);
    // Stores take whole seconds; round up so a token never outlives its list.
    this.ttlSeconds = Math.max(1, Math.ceil(this.ttl / 1000));
    this.prefix = options.prefix ?? "csrf:";
    this.#ownStore = options.store === undefined ? new MemoryStore() : undefined;
    this.store = options.store ?? (this.#ownStore as MemoryStore);
    this.tokens = new TokenList(this.store, this.maxTokens);
    if (options.secret !== undefined) {
      checkSecret(options.secret);
      this.#signer = new TokenSigner(options.secret);
    }
  }

  private key(sessionId: string): string {
    return this.prefix + sessionId;
  }

  /** The signer: from `secret`, the app's `cookieSecret`, or the secret kept in the store (read once). */
  private tokenSigner(): TokenSigner | Promise<TokenSigner> {
    if (this.#signer) return this.#signer;
    this.#loadingSigner ??= sharedSecret(this.store, `${this.prefix}~secret`).then(
      (secret) => (this.#signer = new TokenSigner(secret)),
      (error) => {
        this.#loadingSigner = undefined;
        throw error;
      },
    );
    return this.#loadingSigner;
  }

  /**
   * `app.use()` of one of this instance's plugins: without `secret`, sign with the app's
   * `cookieSecret` (the first app installed on that has one; never once tokens were signed
   * with the store's secret), and close the instance's own store when the app closes.
   */
  #install(app: Harpia, check: Middleware): void {
    if (this.#signer === undefined && this.#loadingSigner === undefined && app.signer !== undefined)
      this.#signer = new TokenSigner(app.signer);
    app.use(check);
    const own = this.#ownStore;
    if (own !== undefined) app.onClose(() => own.close());
  }

  /**
   * Issues a new token for the session, kept in the store. Earlier tokens stay valid until they
   * expire or `maxTokens` newer ones were issued, so pages open in other tabs keep working.
   */
  async generate(sessionId: string): Promise<string> {
    checkSessionId(sessionId);
    const token = randomToken(32);
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
    const now = Date.now();
    let valid = false;
    // Look at every entry, without stopping at a match, so timing tells nothing about which.
    for (const entry of entries) {
      if (safeEqual(token, entry.token) && entry.expiresAt > now) valid = true;
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
   * The value is a plugin (see {@link CSRFPlugin}): `app.use(csrf.middleware())` protects the
   * whole app (and adopts its `cookieSecret`), and the same value is middleware for one route.
   * `csrf(options)` is the factory form of `new CSRF(options).middleware(options)`.
   *
   * @example
   * app.use(session);
   * app.use(csrf.middleware());
   * app.get("/form", (req, res) =>
   *   res.html(`<form method="post"><input type="hidden" name="_csrf" value="${res.locals.csrfToken}"></form>`));
   */
  middleware(options: CSRFMiddlewareOptions = {}): CSRFPlugin {
    const check = csrfCheck(
      {
        ttl: this.ttl,
        signer: () => this.tokenSigner(),
        token: (id) => this.token(id),
        check: (id, t) => this.check(id, t),
      },
      options,
    );
    // The handle is another function than `check`: `app.use(check)` in setup must add the
    // middleware, not find the plugin already installed.
    const handle = Object.assign(((req, res, next) => check(req, res, next)) as Middleware, {
      instance: this,
    });
    return definePlugin({ name: CSRF_PLUGIN, setup: (app: Harpia) => this.#install(app, check) }, handle);
  }
}
