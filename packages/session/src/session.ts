import {
  type HarpiaRequest,
  type HarpiaResponse,
  MemoryStore,
  type Middleware,
  RequestCookies,
  type Store,
  type TrustProxy,
} from "@harpia/core";
import { DEFAULT_COOKIE, resolveCookieOptions, warnSessionTrustProxy } from "./cookie";
import { generateSessionId, isSessionId } from "./id";
import {
  type Changes,
  type RequestSession,
  type SessionBackend,
  SessionHandle,
  sessionHandleOf,
} from "./state";
import type { SessionCookieOptions, SessionData, SessionOptions } from "./types";

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
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Server-side sessions on any `Store`: the data stays on the server, the client holds only a
 * random id in a cookie. Use the seed's calls (`create`, `get`, `update`, `delete`,
 * `fromRequest`, `setCookie`) or `app.use(session.middleware())` for `req.session`.
 *
 * @typeParam Data - the session data (defaults to {@link SessionData}).
 *
 * @example
 * const session = new Session();
 * app.use(session.middleware());
 * app.post("/login", async (req, res) => {
 *   await session.regenerate(req, res);
 *   req.session.userId = "42";
 *   res.redirect("/", 303);
 * });
 */
export class Session<Data extends object = SessionData> {
  /** Where sessions are kept. */
  readonly store: Store;
  /** Name of the session cookie. */
  readonly cookieName: string;
  /** Seconds a session lives without activity. */
  readonly ttl: number;
  /** Whether activity slides the expiry. */
  readonly rolling: boolean;
  private readonly cookie: SessionCookieOptions;
  /** The deprecated `trustProxy` option (an extra source of "https" while set). */
  private readonly trustProxy: TrustProxy | undefined;
  private readonly prefix: string;
  private readonly makeId: () => string;
  /** Whether the cookie outlives the browser session, and so must be re-sent to slide. */
  private readonly persistentCookie: boolean;
  private readonly backend: SessionBackend;

  constructor(options: SessionOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.cookieName = options.cookieName ?? "session_id";
    if (!COOKIE_NAME.test(this.cookieName))
      throw new TypeError(`Session cookieName "${this.cookieName}" is not a valid cookie name`);
    this.cookie = { ...DEFAULT_COOKIE, ...options.cookie };
    const ttl = options.ttl ?? this.cookie.maxAge ?? DEFAULT_TTL_SECONDS;
    if (!Number.isFinite(ttl) || ttl <= 0)
      throw new RangeError(`Session ttl must be a positive number of seconds, got ${ttl}`);
    // Stores such as Redis take whole seconds.
    this.ttl = Math.ceil(ttl);
    this.rolling = options.rolling ?? true;
    this.trustProxy = options.trustProxy;
    if (this.trustProxy !== undefined) warnSessionTrustProxy();
    this.prefix = options.prefix ?? "sess:";
    this.makeId = options.generateId ?? generateSessionId;
    this.persistentCookie = this.cookie.maxAge !== undefined || this.cookie.expires !== undefined;
    this.backend = {
      persist: (handle, changes) => this.persist(handle, changes),
      rotate: (handle) => this.rotate(handle),
      remove: (handle) => this.remove(handle),
      touch: (handle) => this.touchHandle(handle),
    };
  }

  private key(id: string): string {
    return this.prefix + id;
  }

  private newId(): string {
    const id = this.makeId();
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
    if (isSessionId(sessionId)) await this.store.delete(this.key(sessionId));
    if (res) this.clearCookie(res);
  }

  /** Pushes a session's expiry `ttl` seconds ahead. False when it does not exist. */
  touch(sessionId: string): Promise<boolean> {
    if (!isSessionId(sessionId)) return Promise.resolve(false);
    return this.store.expire(this.key(sessionId), this.ttl);
  }

  /** The session id the request's cookie carries, when it has the shape of one. */
  idFromRequest(req: HarpiaRequest<any>): string | undefined {
    const value = this.cookie.signed
      ? req.cookies.getSigned(this.cookieName)
      : req.cookies.get(this.cookieName);
    return isSessionId(value) ? value : undefined;
  }

  /** Reads a session and, when `rolling`, slides its expiry in the same round trip. */
  private async load(sessionId: string): Promise<Data | undefined> {
    const key = this.key(sessionId);
    const [data] = await Promise.all([
      this.store.get(key),
      this.rolling ? this.store.expire(key, this.ttl) : undefined,
    ]);
    return asRecord(data) as Data | undefined;
  }

  /**
   * The data of the request's session (from its cookie), or `undefined`. Under
   * `session.middleware()` it is a copy of `req.session`'s data, including unsaved changes
   * (`undefined` while a new session holds nothing).
   */
  async fromRequest(req: HarpiaRequest<any>): Promise<Data | undefined> {
    const handle = sessionHandleOf(req);
    if (handle) {
      const exists = handle.id !== undefined || Object.keys(handle.data).length > 0;
      return exists ? ({ ...handle.data } as Data) : undefined;
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
        this.cookie.signed && reader.getSigned
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
    const resolved = resolveCookieOptions({ ...this.cookie, ...options }, req, this.trustProxy);
    res.cookies.set(this.cookieName, sessionId, resolved);
  }

  /**
   * Clears the session cookie (same path and domain it was set with). Without `req`, an
   * `"auto"` cookie is cleared without `Secure`: the name, path and domain identify it, and
   * browsers ignore `Secure` cookies sent over plain HTTP.
   */
  clearCookie(res: HarpiaResponse, req?: HarpiaRequest<any>): void {
    const { path, domain, secure, sameSite, httpOnly } = resolveCookieOptions(
      this.cookie,
      req,
      this.trustProxy,
      false,
    );
    res.cookies.delete(this.cookieName, { path, domain, secure, sameSite, httpOnly });
  }

  /**
   * A middleware giving every request `req.session`. The session is loaded from the cookie,
   * saved when the request ends if its data changed (only changed keys are written, over what
   * the store holds then), created only once data is set, and its expiry slides when `rolling`.
   */
  middleware(): Middleware {
    return async (req, res, next) => {
      if (sessionHandleOf(req) !== undefined) return next();
      const id = this.idFromRequest(req);
      const data = id === undefined ? undefined : asRecord(await this.store.get(this.key(id)));
      const handle = new SessionHandle(this.backend, req, res, data ? id : undefined, data ?? {});
      req.session = handle.proxy;
      await next();
      await handle.commit();
    };
  }

  /** `req.session` typed with this instance's `Data`. Throws when the middleware did not run. */
  current(req: HarpiaRequest<any>): RequestSession<Data> {
    const handle = sessionHandleOf(req);
    if (handle === undefined)
      throw new Error("No session on this request: add app.use(session.middleware()) before this route");
    return handle.proxy as RequestSession<Data>;
  }

  /**
   * Moves the request's session to a new id and cookie, keeping its data, and deletes the old
   * id. Call it when privileges change (login) so an id planted before login (session
   * fixation) is worthless after. Creates the session when there was none. Returns the new id.
   */
  async regenerate(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<string> {
    const handle = sessionHandleOf(req);
    if (handle) return this.rotate(handle);
    const oldId = this.idFromRequest(req);
    const data = (oldId && asRecord(await this.store.get(this.key(oldId)))) || {};
    const id = this.newId();
    await this.store.set(this.key(id), data, this.ttl);
    if (oldId) await this.store.delete(this.key(oldId));
    this.setCookie(res, id, {}, req);
    return id;
  }

  /** Deletes the request's session and clears its cookie (logout). */
  async destroy(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<void> {
    const handle = sessionHandleOf(req);
    if (handle) return this.remove(handle);
    const id = this.idFromRequest(req);
    if (id) await this.store.delete(this.key(id));
    this.clearCookie(res, req);
  }

  private async persist(handle: SessionHandle, changes: Changes | undefined): Promise<void> {
    if (handle.id === undefined) {
      const id = this.newId();
      await this.store.set(this.key(id), handle.data, this.ttl);
      handle.id = id;
      handle.markSaved();
      this.setCookie(handle.res, id, {}, handle.req);
      return;
    }
    if (changes === undefined) return;
    // Apply only this request's changes over what the store holds now, so concurrent requests
    // that change other keys of the same session do not undo each other.
    const current = asRecord(await this.store.get(this.key(handle.id)));
    if (current === undefined) {
      // Deleted meanwhile (a logout elsewhere) or expired: do not bring it back.
      handle.reset();
      this.clearCookie(handle.res, handle.req);
      return;
    }
    const merged: Record<string, unknown> = { ...current, ...changes.set };
    for (const key of changes.removed) delete merged[key];
    await this.store.set(this.key(handle.id), merged, this.ttl);
    for (const key of Object.keys(handle.data)) if (!Object.hasOwn(merged, key)) delete handle.data[key];
    for (const [key, value] of Object.entries(merged))
      if (!Object.hasOwn(changes.set, key)) handle.data[key] = value;
    handle.markSaved();
    if (this.rolling && this.persistentCookie) this.setCookie(handle.res, handle.id, {}, handle.req);
  }

  private async touchHandle(handle: SessionHandle): Promise<void> {
    if (!this.rolling || handle.id === undefined) return;
    if (!(await this.store.expire(this.key(handle.id), this.ttl))) {
      handle.reset();
      this.clearCookie(handle.res, handle.req);
      return;
    }
    if (this.persistentCookie) this.setCookie(handle.res, handle.id, {}, handle.req);
  }

  private async rotate(handle: SessionHandle): Promise<string> {
    const oldId = handle.id;
    const id = this.newId();
    await this.store.set(this.key(id), handle.data, this.ttl);
    if (oldId !== undefined) await this.store.delete(this.key(oldId));
    handle.id = id;
    handle.markSaved();
    this.setCookie(handle.res, id, {}, handle.req);
    return id;
  }

  private async remove(handle: SessionHandle): Promise<void> {
    if (handle.id !== undefined) await this.store.delete(this.key(handle.id));
    this.clearCookie(handle.res, handle.req);
    handle.reset();
  }
}
