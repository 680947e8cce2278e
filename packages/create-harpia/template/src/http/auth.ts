import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { checkLogin, hasDemoAccount } from "../users";

/** A text field of a posted form ("" when it is missing or not text). */
function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : "";
}

/**
 * Log in and log out with a session. Both forms carry the CSRF token (`csrfToken` in the
 * templates): the app's csrf() answers 403 to a POST without a valid one.
 */
export default class AuthPages {
  routes = {
    "get /login": "form",
    "post /login": "login",
    "post /logout": "logout",
  };

  async form(req: FileRequest, res: HarpiaResponse) {
    if (req.session.username !== undefined) return res.redirect("/", 303);
    await res.render("login", { username: "", hasDemoAccount });
  }

  async login(req: FileRequest, res: HarpiaResponse) {
    const username = field(req.body, "username").trim();
    const password = field(req.body, "password");
    if (!(await checkLogin(username, password))) {
      return res
        .status(401)
        .render("login", { username, hasDemoAccount, error: "Wrong username or password" });
    }
    // A new session id at login: an id planted before login is worth nothing after it.
    await req.session.regenerate();
    req.session.username = username;
    res.redirect("/", 303);
  }

  async logout(req: FileRequest, res: HarpiaResponse) {
    await req.session.destroy();
    res.redirect("/", 303);
  }
}
