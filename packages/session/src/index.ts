/**
 * @harpia/session — server-side sessions on any `Store` (`Session`, `SessionManager`,
 * `req.session` through a middleware) and CSRF tokens tied to them (`CSRF`).
 */
export { DEFAULT_COOKIE } from "./cookie";
export { CSRF, type CSRFMiddlewareOptions, type CSRFOptions } from "./csrf";
export { generateSessionId, isSessionId } from "./id";
export { SessionManager } from "./manager";
export { type CookieReader, Session, type WebSocketWithCookies } from "./session";
export type { RequestSession, SessionControls } from "./state";
export type { SessionCookieOptions, SessionData, SessionFields, SessionOptions } from "./types";
