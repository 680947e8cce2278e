import { describe, expect, test } from "bun:test";
import harpia, { HttpError, MemoryStore } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { CSRF, csrf as csrfPlugin, Session, session as sessionPlugin } from "./index";

function tokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error(`no CSRF field in: ${html}`);
  return match[1]!;
}

function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

/** A small site with a CSRF-protected login form, an account page and an account deletion form. */
function site() {
  const store = new MemoryStore();
  const session = sessionPlugin({ store });
  const protect = csrfPlugin({ store, ttl: 60 * 60 * 1000 });
  const app = harpia({ logErrors: false });
  app.use(session);
  app.use(protect);

  app.get("/login", (_req, res) =>
    res.html(
      `<form method="POST" action="/login" enctype="application/x-www-form-urlencoded">` +
        `<input type="hidden" name="_csrf" value="${res.locals.csrfToken}">` +
        `<input name="username"><input name="password" type="password"></form>`,
    ),
  );
  app.post("/login", async (req, res) => {
    if (req.body.password !== "hunter2") throw new HttpError(401, "Wrong username or password");
    await session.regenerate(req, res);
    req.session.user = req.body.username;
    res.redirect("/account", 303);
  });
  app.get("/account", (req, res) => {
    if (!req.session.user) return res.redirect("/login");
    return res.html(
      `<h1>${req.session.user}</h1>` +
        `<form method="POST" action="/account" enctype="application/x-www-form-urlencoded">` +
        `<input type="hidden" name="_method" value="DELETE">` +
        `<input type="hidden" name="_csrf" value="${res.locals.csrfToken}">` +
        `<button type="submit">Delete</button></form>`,
    );
  });
  app.delete("/account", async (req, res) => {
    await session.destroy(req, res);
    res.redirect("/login", 303);
  });
  app.post("/logout", async (req, res) => {
    await req.session.destroy();
    res.redirect("/login", 303);
  });
  app.post("/api/notes", (req) => ({ saved: req.body.text }));
  return { app, store, session, csrf: protect.instance };
}

describe("login / logout with a CSRF-protected form", () => {
  test("the whole flow, with method override to DELETE", async () => {
    const { app, store } = site();
    const browser = new TestClient(app, { cookies: true });

    // The login page's token is tied to a random browser cookie: no session, nothing stored.
    let res = await browser.get("/login");
    expect(res.status).toBe(200);
    const loginToken = tokenIn(await res.text());
    expect(browser.cookies.session_id).toBeUndefined();
    expect(browser.cookies.csrf_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // (The one key is the CSRF secret, created once per store.)
    expect(await store.keys("")).toEqual(["csrf:~secret"]);

    // Without the token: 403.
    res = await browser.post("/login").send(form({ username: "ada", password: "hunter2" }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, code: "CSRF_INVALID" });

    // Wrong password with a valid token: the route's own 401.
    res = await browser.post("/login").send(form({ _csrf: loginToken, username: "ada", password: "nope" }));
    expect(res.status).toBe(401);

    // Login: the session id changes (fixation), the user is in the session.
    res = await browser
      .post("/login")
      .send(form({ _csrf: loginToken, username: "ada", password: "hunter2" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account");
    const loggedInId = browser.cookies.session_id!;
    expect(await store.has(`sess:${loggedInId}`)).toBe(true);

    res = await browser.get("/account");
    const html = await res.text();
    expect(html).toContain("<h1>ada</h1>");
    const accountToken = tokenIn(html);
    // The pre-login token belonged to the visitor, not to the session given at login.
    expect(accountToken).not.toBe(loginToken);
    res = await browser.post("/account").send(form({ _method: "DELETE", _csrf: loginToken }));
    expect(res.status).toBe(403);

    // A forged cross-site DELETE: the browser sends the cookie, but the attacker has no token.
    res = await browser.post("/account").send(form({ _method: "DELETE" }));
    expect(res.status).toBe(403);
    expect(await store.has(`sess:${loggedInId}`)).toBe(true);

    // The real form: POST + _method=DELETE + token.
    res = await browser.post("/account").send(form({ _method: "DELETE", _csrf: accountToken }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    expect(await store.has(`sess:${loggedInId}`)).toBe(false);
    expect(browser.cookies.session_id).toBeUndefined();

    res = await browser.get("/account");
    expect(res.status).toBe(302);
  });

  test("logout through req.session.destroy()", async () => {
    const { app, store } = site();
    const browser = new TestClient(app, { cookies: true });
    const loginToken = tokenIn(await (await browser.get("/login")).text());
    await browser.post("/login").send(form({ _csrf: loginToken, username: "ada", password: "hunter2" }));
    const id = browser.cookies.session_id!;
    const token = tokenIn(await (await browser.get("/account")).text());
    const res = await browser.post("/logout").send(form({ _csrf: token }));
    expect(res.status).toBe(303);
    expect(await store.has(`sess:${id}`)).toBe(false);
    expect(browser.cookies.session_id).toBeUndefined();
  });

  test("the token also comes in the X-CSRF-Token header (fetch, JSON bodies)", async () => {
    const { app } = site();
    const browser = new TestClient(app, { cookies: true });
    const token = tokenIn(await (await browser.get("/login")).text());
    let res = await browser.post("/api/notes").set("x-csrf-token", token).json({ text: "hi" });
    expect(await res.json()).toEqual({ saved: "hi" });
    res = await browser.post("/api/notes").json({ text: "hi", _csrf: token });
    expect(res.status).toBe(200);
    res = await browser.post("/api/notes").set("x-csrf-token", "forged").json({ text: "hi" });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toMatch(/Invalid or expired CSRF token/);
  });

  test("403 is HTML for browsers and names the missing field", async () => {
    const { app } = site();
    const res = await new TestClient(app).post("/api/notes").set("accept", "text/html").send(form({}));
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Missing CSRF token");
  });

  test("safe methods pass without a token; a visitor without a session gets one only where a form is", async () => {
    const { app, store } = site();
    const res = await new TestClient(app).head("/login");
    expect(res.status).toBe(200);
    // Unsafe request without any session: refused, and no session is created for it.
    const before = store.size;
    const post = await new TestClient(app).post("/api/notes").set("x-csrf-token", "x").json({});
    expect(post.status).toBe(403);
    expect(post.headers.getSetCookie()).toEqual([]);
    expect(store.size).toBe(before);
  });
});

describe("csrf.middleware() without the session plugin", () => {
  test("reads the seed's session cookie, or the id a custom sessionId gives", async () => {
    const store = new MemoryStore();
    const session = new Session({ store, cookieName: "my_session_id" });
    const csrf = new CSRF({ store });
    const app = harpia({ logErrors: false });
    app.post("/login", async (req, res) => {
      const id = await session.create({ user: "ada" });
      session.setCookie(res, id, {}, req);
      return { token: await csrf.generate(id) };
    });
    const protect = csrf.middleware({ sessionId: (req) => req.cookies.get("my_session_id") });
    app.get("/form", protect, (_req, res) => ({ token: res.locals.csrfToken }));
    app.post("/transfer", protect, () => ({ ok: true }));

    const browser = new TestClient(app, { cookies: true });
    const { token } = await (await browser.post("/login")).json();
    expect((await browser.post("/transfer").send(form({ _csrf: token }))).status).toBe(200);
    expect((await browser.post("/transfer").send(form({ _csrf: "nope" }))).status).toBe(403);
    // The page's token is a signed one for the same session id.
    const { token: pageToken } = await (await browser.get("/form")).json();
    expect(await csrf.check(browser.cookies.my_session_id!, pageToken)).toBe(true);
    expect((await browser.post("/transfer").send(form({ _csrf: pageToken }))).status).toBe(200);

    const defaults = harpia({ logErrors: false });
    defaults.post("/transfer", csrf.middleware(), () => ({ ok: true }));
    const id = await session.create({ user: "bob" });
    const bobToken = await csrf.generate(id);
    const ok = await new TestClient(defaults)
      .post("/transfer")
      .cookie("session_id", id)
      .set("x-csrf-token", bobToken)
      .execute();
    expect(ok.status).toBe(200);
  });
});
