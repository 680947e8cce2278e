import type { CookiesOptions, Store, TrustProxy } from "@harpia/core";

/**
 * The data your sessions hold, for `req.session`. Empty until you describe it once with
 * declaration merging; until then `req.session` accepts any key.
 *
 * @example
 * declare module "@harpia/session" {
 *   interface SessionFields {
 *     userId: string;
 *     role: "admin" | "user";
 *   }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by applications through declaration merging.
export interface SessionFields {}

/** Session data as typed by {@link SessionFields}, or any record while it is empty. */
export type SessionData = keyof SessionFields extends never ? Record<string, any> : SessionFields;

/** The session cookie's options: core's cookie options, with `secure` able to follow the request. */
export interface SessionCookieOptions extends Omit<CookiesOptions, "secure"> {
  /**
   * `true`/`false`, or `"auto"` (default): `Secure` when the request came over HTTPS (directly,
   * or per a trusted proxy's `X-Forwarded-Proto`: `req.secure`, which follows the app's
   * `trustProxy`). When no request is at hand (the seed's
   * `setCookie(res, id)`), `"auto"` means `Secure` unless `NODE_ENV` is `development`.
   */
  secure?: boolean | "auto";
}

/** Options of {@link Session}. */
export interface SessionOptions {
  /** Where sessions live (default: a new `MemoryStore`, for one process). */
  store?: Store;
  /** Name of the cookie holding the session id (default `session_id`). */
  cookieName?: string;
  /**
   * Seconds a session lives without activity (default: `cookie.maxAge`, else 86 400 = one day).
   * Every request that uses the session pushes it forward (sliding expiry, see `touchAfter`) unless `rolling` is off.
   */
  ttl?: number;
  /** Defaults for the session cookie: `HttpOnly`, `SameSite=Lax`, `Path=/`, `secure: "auto"`. */
  cookie?: SessionCookieOptions;
  /**
   * Slide the expiry with activity (default `true`): the store's TTL is reset, and a cookie with
   * `maxAge` is sent again, on a request that changes the session, and otherwise at most once
   * per `touchAfter` seconds. `false` gives a fixed lifetime.
   */
  rolling?: boolean;
  /**
   * Seconds an unchanged session waits between two slides of its expiry (default: 60, or
   * `ttl / 2` when that is shorter). Reading a session then costs no store write: within this
   * interval a request that only reads it neither calls the store's `expire` nor re-sends the
   * cookie, so a session may end up to `touchAfter` seconds before `ttl` of inactivity has
   * passed, never after. `0` slides on every request. Each process remembers
   * its last slides for up to 10,000 sessions.
   */
  touchAfter?: number;
  /**
   * @deprecated Ignored: `secure: "auto"` follows `req.secure`, which uses the app's
   * `harpia({ trustProxy })`; set it there. Accepted so older code still starts, with a
   * one-time warning.
   */
  trustProxy?: TrustProxy;
  /** Prefix of store keys (default `sess:`), so sessions can share a store with a cache or CSRF. */
  prefix?: string;
  /** Makes session ids (default: 24 random bytes as base64url). Must return base64url text. */
  generateId?: () => string;
}
