import { type HarpiaRequest, HttpError, type Middleware, withRouteOptions } from "@harpia/core";
import { safeRedirectTarget } from "@harpia/core/utils";
import { services } from "../context";
import { AVATAR_MAX_BYTES } from "../services";
import { type PublicUser, publicUser, type User } from "../services/users";

declare module "@harpia/session" {
  interface SessionFields {
    /** Set on login: the account's id and name (the name is the store key). */
    userId?: string;
    username?: string;
  }
}

declare module "@harpia/core" {
  interface RequestState {
    /** The signed-in account of this request, set by {@link loadUser}; absent for visitors. */
    user?: User;
  }
  interface Locals {
    /** What templates show of the signed-in account (no password hash), set by {@link loadUser}. */
    user?: PublicUser;
    /** The cluster worker serving the page, for the footer. */
    worker?: string;
  }
}

/** The signed-in account of this request (after {@link loadUser}): `req.state.user`. */
export function currentUser(req: HarpiaRequest<any>): User | undefined {
  return req.state.user;
}

/**
 * Checks the CSRF token of unsafe requests (403 without a valid one) and gives forms
 * `res.locals.csrfToken`: the app's `csrf()` of `@harpia/session` used as route middleware, on
 * page routes only, so the JSON API and static files never create sessions.
 */
export const csrfProtection: Middleware = (req, res, next) => services(req).csrf(req, res, next);

/**
 * Loads the signed-in account named by the session into `req.state.user` (for route code) and
 * `res.locals.user` (what templates show of it). A session whose account was deleted meanwhile
 * (on another device) is signed out.
 */
export const loadUser: Middleware = async (req, res, next) => {
  const { users, settings } = services(req);
  res.locals.worker = settings.workerId;
  const { userId, username } = req.session;
  if (username !== undefined) {
    const user = await users.find(username);
    if (user !== undefined && user.id === userId) {
      req.state.user = user;
      res.locals.user = publicUser(user);
    } else {
      delete req.session.userId;
      delete req.session.username;
    }
  }
  return next();
};

/** The app's login limiter (failed logins per client IP), on `POST /login`, before anything else. */
export const loginRateLimit: Middleware = (req, res, next) => services(req).loginLimit(req, res, next);

/** The app's sign-up limiter (per client IP), on `POST /signup`, before anything else. */
export const signupRateLimit: Middleware = (req, res, next) => services(req).signupLimit(req, res, next);

/** The middleware of every HTML page: CSRF, then the signed-in user. */
export const pageMiddleware: Middleware[] = [csrfProtection, loadUser];

/** Sends visitors to the login page (GET) or answers 401 (forms) when nobody is signed in. */
export const requireUser: Middleware = (req, res, next) => {
  if (currentUser(req) !== undefined) return next();
  if (req.method === "GET" || req.method === "HEAD") {
    const { pathname, search } = new URL(req.raw.url);
    return res.redirect(`/login?next=${encodeURIComponent(pathname + search)}`, 303);
  }
  throw new HttpError(401, "Log in first", { code: "LOGIN_REQUIRED" });
};

/**
 * Saves the uploaded profile picture (`upload.single` of the app's `Upload`). The route
 * options are declared here, where the file router reads them at registration: multipart
 * only, and a body limit sized for one picture, refused from `Content-Length` before reading.
 */
export const avatarUpload = withRouteOptions(
  (req, res, next) => services(req).upload.single(req, res, next),
  { bodyLimit: AVATAR_MAX_BYTES + 64 * 1024, accepts: "multipart" },
);

/**
 * A path on this site to return to after login (core's `safeRedirectTarget`, parsed as a browser
 * would); anything leaving the site (`//evil.example`, `/\t/evil.example`, `https:`) is `/account`.
 */
export function safeNext(value: unknown, req: HarpiaRequest<any>): string {
  return safeRedirectTarget(value, { base: req.url, fallback: "/account" });
}
