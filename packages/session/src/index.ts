/**
 * @harpia/session — server-side sessions on any `Store` and CSRF protection, as Harpia
 * plugins: `app.use(session({ store }))` gives `req.session` (also `req.state.session`),
 * `app.use(csrf())` checks unsafe requests. The seed's `Session`, `SessionManager` and `CSRF`
 * classes keep their calls.
 */
export { DEFAULT_COOKIE } from "./cookie";
export { CSRF, CSRF_PLUGIN, type CSRFOptions, type CSRFPlugin, csrf } from "./csrf";
export type { CSRFMiddlewareOptions } from "./csrf-middleware";
export { generateSessionId, isSessionId } from "./id";
export { SessionManager } from "./manager";
export { type CookieReader, SESSION_PLUGIN, Session, session, type WebSocketWithCookies } from "./session";
export type { RequestSession, SessionControls } from "./state";
export type { SessionCookieOptions, SessionData, SessionFields, SessionOptions } from "./types";
