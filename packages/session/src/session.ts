import {
  definePlugin,
  type Harpia,
  type HarpiaRequest,
  type HarpiaResponse,
  MemoryStore,
  type Middleware,
  type Next,
  type Plugin,
  RequestCookies,
  type Store,
} from "@harpia/core";
import { asRecord, StoreBackend } from "./backend";
import { DEFAULT_COOKIE, resolveCookieOptions, warnSessionTrustProxy } from "./cookie";
import { generateSessionId, isSessionId } from "./id";
import { type RequestSession, type SessionBackend, SessionHandle, sessionHandleOf } from "./state";
import { TouchLog } from "./touches";
import type { SessionCookieOptions, SessionData, SessionOptions } from "./types";

/** The plugin name of sessions (`app.hasPlugin("@harpia/session")`). */
export const SESSION_PLUGIN = "@harpia/session";

/** Cookies readable by name, like core's `RequestCookies` (`req.cookies`, `ws.data.cookies`). */
export interface CookieReader {
  get(name: string): string | undefined;
  getSigned?(name: string): string | undefined;
}

/**
 * A WebSocket whose `data.cookies` holds the upgrade request's cookies: core's `RequestCookies`
 * (what `app.ws` routes provide), a name → value record, or a raw `Cookie` header string.
 */
export interface WebSocketWithCookies {
  data?: { cookies?: CookieReader | Record<string, string | undefined> | string | null } | null;
}

const DEFAULT_TTL_SECONDS = 24 * 60 * 60;
/** Longest default wait between two slides of an unchanged session's expiry (seconds). */
const DEFAULT_TOUCH_AFTER_SECONDS = 60;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Makes a session plugin: `app.use(session({ store }))` gives every request `req.session`
 * (also `req.state.session`). The value returned is the {@link Session}, so its API
 * (`regenerate(req, res)`, `destroy(req, res)`, `current(req)` and the seed's calls) is at hand.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { session } from "@harpia/session";
 *
 * const sessions = session({ ttl: 8 * 60 * 60 });
 * const app = harpia();
 * app.use(sessions);
 * app.post("/login", async (req, res) => {
 *   await sessions.regenerate(req, res);
 *   req.session.userId = "42";
 *   res.redirect("/", 303);
 * });
 */
export function session<Data extends object = SessionData>(options: SessionOptions = {}): Session<Data> {
  return new Session<Data>(options);
}

/**
 * A `Session` is a plugin (made with core's `definePlugin` when constructed), so
 * `app.use(new Session(options))` and `router.use(session)` install it.
 */
// biome-ignore lint/correctness/noUnusedVariables: a merged declaration repeats the class's type parameters.
export interface Session<Data extends object = SessionData> extends Plugin {}

/**
 * Server-side sessions on any `Store`: the data stays on the server, the client holds only a
 * random id in a cookie. Install it with `app.use(session)` for `req.session`, or use the
 * seed's calls (`create`, `get`, `update`, `delete`, `fromRequest`, `setCookie`) without it.
 * {@link session} is the factory form.
 *
 * @typeParam Data - the session data (defaults to {@link SessionData}).
 *
 * @example
 * const session = new Session();
 * app.use(session);
 * app.post("/login", async (req, res) => {
 *   await session.regenerate(req, res);
 *   req.session.userId = "42";
 *   res.redirect("/", 303);
 * });
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class Session<Data extends object = SessionData> {
  /** Where sessions are kept. */
  readonly store: Store;
  /** Name of the session cookie. */
  readonly cookieName: string;
  /** Seconds a session lives without activity. */
  readonly ttl: number;
  /** Whether activity slides the expiry. */
  readonly rolling: boolean;
  /** Seconds an unchanged session waits between two slides of its expiry (0: every request). */
  readonly touchAfter: number;
  readonly #touches: TouchLog;
  readonly #cookie: SessionCookieOptions;
  readonly #prefix: string;
  readonly #makeId: () => string;
  readonly #backend: SessionBackend;
  /** The `MemoryStore` this session made itself (no `store` given): closed with the app. */
  readonly #ownStore: MemoryStore | undefined;
  /** What runs per request (plain, so the plugin can add it as middleware). */
  readonly #handler: Middleware;
  #routeMiddleware: (Middleware & Plugin) | undefined;

  constructor(options: SessionOptions = {}) {
    if (options === null || typeof options !== "object")
      throw new TypeError("Session options must be an object");
    this.#ownStore = options.store === undefined ? new MemoryStore() : undefined;
    this.store = options.store ?? (this.#ownStore as MemoryStore);
    this.cookieName = options.cookieName ?? "session_id";
    if (!COOKIE_NAME.test(this.cookieName))
      throw new TypeError(`Session cookieName "${this.cookieName}" is not a valid cookie name`);
    this.#cookie = { ...DEFAULT_COOKIE, ...options.cookie };
    const ttl = options.ttl ?? this.#cookie.maxAge ?? DEFAULT_TTL_SECONDS;
    if (!Number.isFinite(ttl) || ttl <= 0)
      throw new RangeError(`Session ttl must be a positive number of seconds, got ${ttl}`);
    // Stores such as Redis take whole seconds.
    this.ttl = Math.ceil(ttl);
    this.rolling = options.rolling ?? true;
    const touchAfter = options.touchAfter ?? Math.min(DEFAULT_TOUCH_AFTER_SECONDS, this.ttl / 2);
    if (typeof touchAfter !== "number")
      throw new TypeError(`Session touchAfter must be a number of seconds, got ${typeof touchAfter}`);
    if (!(touchAfter >= 0) || touchAfter > this.ttl)
      throw new RangeError(
        `Session touchAfter must be 0 to ttl (${this.ttl}) seconds, got ${String(options.touchAfter)}`,
      );
    this.touchAfter = touchAfter;
    this.#touches = new TouchLog(touchAfter);
    if (options.trustProxy !== undefined) warnSessionTrustProxy();
    this.#prefix = options.prefix ?? "sess:";
    this.#makeId = options.generateId ?? generateSessionId;
    this.#backend = new StoreBackend({
      store: this.store,
      ttl: this.ttl,
      rolling: this.rolling,
      persistentCookie: this.#cookie.maxAge !== undefined || this.#cookie.expires !== undefined,
      touches: this.#touches,
      key: (id) => this.key(id),
      newId: () => this.newId(),
      setCookie: (res, id, req) => this.setCookie(res, id, {}, req),
      clearCookie: (res, req) => this.clearCookie(res, req),
    });
    this.#handler = (req, res, next) => this.#handle(req, res, next);
    definePlugin(
      { name: SESSION_PLUGIN, setup: (app: Harpia) => this.#install(app), middleware: this.#handler },
      this,
    );
  }

  /** `app.use(session)`: the per-request middleware, and closing the session's own store. */
  #install(app: Harpia): void {
    app.use(this.#handler);
    const own = this.#ownStore;
    if (own !== undefined) app.onClose(() => own.close());
  }

  /** Loads the request's session into `req.state.session`, saves it when the request ends. */
  async #handle(req: HarpiaRequest<any>, res: HarpiaResponse, next: Next): Promise<void> {
    // Installed twice on one path (app and route): the first one owns the session.
    if (req.state.session !== undefined && sessionHandleOf(req) !== undefined) return next();
    // The signature (signed cookies) is checked here, once per request.
    const id = this.idFromRequest(req);
    const data = id === undefined ? undefined : asRecord(await this.store.get(this.key(id)));
    const handle = new SessionHandle(this.#backend, req, res, data ? id : undefined, data ?? {});
    handle.attach();
    await next();
    // Unchanged, and not due to slide: nothing to wait for.
    const saving = handle.commit();
    if (saving !== undefined) await saving;
  }

  private key(id: string): string {
    return this.#prefix + id;
  }

  private newId(): string {
    const id = this.#makeId();
    if (!isSessionId(id))
      throw new Error("Session generateId() must return 8 to 256 base64url characters (A-Z a-z 0-9 _ -)");
    return id;
  }

  /** Stores `data` as a new session and returns its id (set the cookie with {@link setCookie}). */
  async create(data: Data): Promise<string> {
    const id = this.newId();
    await this.store.set(this.key(id), data, this.ttl);
    return id;
  }

  /** The data of a session, or `undefined` when it does not exist or expired. */
  async get(sessionId: string): Promise<Data | undefined> {
    if (!isSessionId(sessionId)) return undefined;
    return asRecord(await this.store.get(this.key(sessionId))) as Data | undefined;
  }

  /**
   * Merges `data` into an existing session (top-level keys) and resets its expiry.
   * Returns `false`, storing nothing, when the session does not exist.
   */
  async update(sessionId: string, data: Partial<Data>): Promise<boolean> {
    const current = await this.get(sessionId);
    if (current === undefined) return false;
    await this.store.set(this.key(sessionId), { ...current, ...data }, this.ttl);
    return true;
  }

  /** Deletes a session; with `res`, also clears the session cookie. */
  async delete(sessionId: string, res?: HarpiaResponse): Promise<void> {
    if (isSessionId(sessionId)) {
      await this.store.delete(this.key(sessionId));
      this.#touches.forget(this.key(sessionId));
    }
    if (res) this.clearCookie(res);
  }

  /** Pushes a session's expiry `ttl` seconds ahead, now (whatever `touchAfter`). False when it does not exist. */
  async touch(sessionId: string): Promise<boolean> {
    if (!isSessionId(sessionId)) return false;
    const key = this.key(sessionId);
    const found = await this.store.expire(key, this.ttl);
    if (found) this.#touches.touched(key);
    else this.#touches.forget(key);
    return found;
  }

  /** The session id the request's cookie carries, when it has the shape of one. */
  idFromRequest(req: HarpiaRequest<any>): string | undefined {
    const value = this.#cookie.signed
      ? req.cookies.getSigned(this.cookieName)
      : req.cookies.get(this.cookieName);
    return isSessionId(value) ? value : undefined;
  }

  /**
   * Reads a session and, when `rolling` and due (`touchAfter`), slides its expiry in the same
   * round trip.
   */
  private async load(sessionId: string): Promise<Data | undefined> {
    const key = this.key(sessionId);
    const slide = this.rolling && this.#touches.due(key);
    const [data, found] = await Promise.all([
      this.store.get(key),
      slide ? this.store.expire(key, this.ttl) : undefined,
    ]);
    if (found === true) this.#touches.touched(key);
    return asRecord(data) as Data | undefined;
  }

  /**
   * The data of the request's session (from its cookie), or `undefined`. Under
   * the session plugin it is a copy of `req.session`'s data, including unsaved changes
   * (`undefined` while a new session holds nothing).
   */
  async fromRequest(req: HarpiaRequest<any>): Promise<Data | undefined> {
    const handle = sessionHandleOf(req);
    if (handle) {
      const exists = handle.id !== undefined || Object.keys(handle.data).length > 0;
      if (!exists) return undefined;
      // The copy shares the values: changes made through it must still be noticed.
      handle.exposeAll();
      return { ...handle.data } as Data;
    }
    const id = this.idFromRequest(req);
    return id === undefined ? undefined : this.load(id);
  }

  /**
   * The data of a WebSocket connection's session, read from the upgrade request's cookies in
   * `ws.data.cookies` (core's `RequestCookies`, a record, or a `Cookie` header string). A
   * `Cookie` header string may also be passed directly.
   */
  async fromWebSocket(ws: WebSocketWithCookies | string): Promise<Data | undefined> {
    const cookies = typeof ws === "string" ? ws : ws?.data?.cookies;
    let value: string | undefined;
    if (typeof cookies === "string") {
      value = new RequestCookies(cookies).get(this.cookieName);
    } else if (cookies !== null && cookies !== undefined && typeof cookies.get === "function") {
      const reader = cookies as CookieReader;
      value =
        this.#cookie.signed && reader.getSigned
          ? reader.getSigned(this.cookieName)
          : reader.get(this.cookieName);
    } else if (cookies !== null && cookies !== undefined) {
      value = (cookies as Record<string, string | undefined>)[this.cookieName];
    }
    return isSessionId(value) ? this.load(value) : undefined;
  }

  /**
   * Sets the session cookie. `options` go over the session's cookie options; pass `req` so
   * `secure: "auto"` can follow the request's protocol.
   */
  setCookie(
    res: HarpiaResponse,
    sessionId: string,
    options: SessionCookieOptions = {},
    req?: HarpiaRequest<any>,
  ): void {
    const resolved = resolveCookieOptions({ ...this.#cookie, ...options }, req);
    res.cookies.set(this.cookieName, sessionId, resolved);
  }

  /**
   * Clears the session cookie (same path and domain it was set with). Without `req`, an
   * `"auto"` cookie is cleared without `Secure`: the name, path and domain identify it, and
   * browsers ignore `Secure` cookies sent over plain HTTP.
   */
  clearCookie(res: HarpiaResponse, req?: HarpiaRequest<any>): void {
    const { path, domain, secure, sameSite, httpOnly } = resolveCookieOptions(this.#cookie, req, false);
    res.cookies.delete(this.cookieName, { path, domain, secure, sameSite, httpOnly });
  }

  /**
   * The seed/express spelling of installing sessions: `app.use(session.middleware())` is
   * `app.use(session)`. The value (the same each call) is also a plain middleware, for one path
   * or route: `app.use("/account", session.middleware())`, `app.get(path, session.middleware(), h)`.
   * The session is loaded from the cookie, saved when the request ends if its data changed
   * (only changed keys are written, over what the store holds then), created only once data is
   * set, and its expiry slides when `rolling`.
   */
  middleware(): Middleware & Plugin {
    const handler = this.#handler;
    this.#routeMiddleware ??= definePlugin(
      { name: SESSION_PLUGIN, setup: (app: Harpia) => this.#install(app) },
      ((req, res, next) => handler(req, res, next)) as Middleware,
    );
    return this.#routeMiddleware;
  }

  /** `req.session` typed with this instance's `Data`. Throws when the middleware did not run. */
  current(req: HarpiaRequest<any>): RequestSession<Data> {
    const handle = sessionHandleOf(req);
    if (handle === undefined)
      throw new Error("No session on this request: add app.use(session) before this route");
    return handle.proxy as RequestSession<Data>;
  }

  /**
   * Moves the request's session to a new id and cookie, keeping its data, and deletes the old
   * id. Call it when privileges change (login) so an id planted before login (session
   * fixation) is worthless after. Creates the session when there was none. Returns the new id.
   */
  async regenerate(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<string> {
    const handle = sessionHandleOf(req);
    if (handle) return this.#backend.rotate(handle);
    const oldId = this.idFromRequest(req);
    const data = (oldId && asRecord(await this.store.get(this.key(oldId)))) || {};
    const id = this.newId();
    await this.store.set(this.key(id), data, this.ttl);
    this.#touches.touched(this.key(id));
    if (oldId) {
      await this.store.delete(this.key(oldId));
      this.#touches.forget(this.key(oldId));
    }
    this.setCookie(res, id, {}, req);
    return id;
  }

  /** Deletes the request's session and clears its cookie (logout). */
  async destroy(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<void> {
    const handle = sessionHandleOf(req);
    if (handle) return this.#backend.remove(handle);
    const id = this.idFromRequest(req);
    if (id) {
      await this.store.delete(this.key(id));
      this.#touches.forget(this.key(id));
    }
    this.clearCookie(res, req);
  }
}
