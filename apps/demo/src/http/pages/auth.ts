import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";
import { loginRateLimit, pageMiddleware, safeNext, signupRateLimit } from "../../middleware/pages";
import { validateCredentials } from "../../services/users";

/**
 * Sign up, log in and log out, with CSRF-protected forms and a new session id on login. Posting
 * the forms is rate-limited per client IP (`@harpia/rate-limit`), before the page middleware:
 * a refused request costs no session or CSRF work.
 */
export default class AuthPages {
  routes = {
    "get /signup": "signupForm",
    "post /signup": "signup",
    "get /login": "loginForm",
    "post /login": "login",
    "post /logout": "logout",
  };

  middleware = {
    "*": pageMiddleware,
    signup: [signupRateLimit, ...pageMiddleware],
    login: [loginRateLimit, ...pageMiddleware],
  };

  async signupForm(_req: FileRequest, res: HarpiaResponse) {
    await res.render("signup", { values: {}, errors: {} });
  }

  async signup(req: FileRequest, res: HarpiaResponse) {
    const { users, cache } = services(req);
    const { username, password, errors } = validateCredentials(req.body);
    if (errors.username || errors.password) {
      return res.status(422).render("signup", { values: { username }, errors });
    }
    const created = await users.create(username, password);
    if (created === "taken") {
      return res.status(409).render("signup", {
        values: { username },
        errors: { username: "This name is taken; pick another" },
      });
    }
    if (created === "full") {
      return res.status(503).render("signup", {
        values: { username },
        errors: {},
        formError: "The demo has all the members it can keep; try again later",
      });
    }
    await cache.delete("home");
    await this.signIn(req, created.id, created.username);
    res.redirect("/account", 303);
  }

  async loginForm(req: FileRequest, res: HarpiaResponse) {
    await res.render("login", { values: {}, next: safeNext(req.query.next, req) });
  }

  async login(req: FileRequest, res: HarpiaResponse) {
    const { users } = services(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === "string" ? body.username.trim().toLowerCase() : "";
    const password = typeof body.password === "string" ? body.password : "";
    const user = username && password ? await users.verify(username, password) : undefined;
    if (user === undefined) {
      return res.status(401).render("login", {
        values: { username },
        next: safeNext(body.next, req),
        formError: "Wrong username or password",
      });
    }
    await this.signIn(req, user.id, user.username);
    res.redirect(safeNext(body.next, req), 303);
  }

  async logout(req: FileRequest, res: HarpiaResponse) {
    await req.session.destroy();
    res.redirect("/", 303);
  }

  /** A new session id at login (defeats session fixation), then the account in it. */
  private async signIn(req: FileRequest, userId: string, username: string) {
    await req.session.regenerate();
    req.session.userId = userId;
    req.session.username = username;
  }
}
