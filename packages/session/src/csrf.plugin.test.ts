// How CSRF protection installs (app.use(csrf()), the same value on one route) and which key
// signs its tokens (`secret`, else the app's cookieSecret, else a secret kept in the store).

import { describe, expect, spyOn, test } from "bun:test";
import { createHmac } from "node:crypto";
import harpia, { type HarpiaOptions, isPlugin, MemoryStore, Router } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { CSRF, CSRF_PLUGIN, type CSRFOptions, csrf } from "./index";

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

/** An app with `csrf(options)` app-wide: a page giving the token, and a form target. */
function protectedApp(appOptions: HarpiaOptions = {}, options: CSRFOptions = {}) {
  const store = new MemoryStore({ sweepIntervalSeconds: 0 });
  const app = harpia({ logErrors: false, ...appOptions });
  app.use(csrf({ store, ...options }));
  app.get("/form", (_req, res) => {
    const token: string | undefined = res.locals.csrfToken;
    // @ts-expect-error csrfToken is a string (Locals is augmented by @harpia/session)
    const wrong: number = res.locals.csrfToken;
    void wrong;
    return { token };
  });
  app.post("/search", (req) => ({ found: req.body.q }));
  return { app, store };
}

/** A visitor's token and cookie from `app`'s form page. */
async function visitorToken(app: ReturnType<typeof harpia>): Promise<{ token: string; cookie: string }> {
  const browser = new TestClient(app, { cookies: true });
  const { token } = await (await browser.get("/form")).json();
  return { token, cookie: browser.cookies.csrf_id! };
}

function post(app: ReturnType<typeof harpia>, token: string, cookie: string) {
  return new TestClient(app)
    .post("/search")
    .cookie("csrf_id", cookie)
    .send(form({ _csrf: token, q: "x" }))
    .execute();
}

describe("installing CSRF protection", () => {
  test("app.use(csrf()) checks every unsafe request of the app", async () => {
    const { app } = protectedApp();
    expect(app.hasPlugin(CSRF_PLUGIN)).toBe(true);
    expect((await new TestClient(app).post("/search").send(form({ q: "x" }))).status).toBe(403);
    const { token, cookie } = await visitorToken(app);
    const res = await post(app, token, cookie);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ found: "x" });
  });

  test("the same value protects one route only (app.post(path, protect, handler)) or one router", async () => {
    const protect = csrf();
    expect(typeof protect).toBe("function");
    expect(isPlugin(protect)).toBe(true);
    expect(protect.instance).toBeInstanceOf(CSRF);
    const app = harpia({ logErrors: false });
    app.get("/form", protect, (_req, res) => ({ token: res.locals.csrfToken }));
    app.post("/search", protect, (req) => ({ found: req.body.q }));
    app.post("/webhook", () => ({ open: true }));
    const admin = Router("/admin");
    admin.use(protect);
    admin.post("/delete", () => ({ deleted: true }));
    app.routes(admin);
    expect(app.hasPlugin(CSRF_PLUGIN)).toBe(false);

    const client = new TestClient(app);
    expect((await client.post("/webhook").send(form({}))).status).toBe(200);
    expect((await client.post("/search").send(form({ q: "x" }))).status).toBe(403);
    expect((await client.post("/admin/delete").send(form({}))).status).toBe(403);
    const { token, cookie } = await visitorToken(app);
    expect((await post(app, token, cookie)).status).toBe(200);
    const deleted = await client
      .post("/admin/delete")
      .cookie("csrf_id", cookie)
      .send(form({ _csrf: token }));
    expect(await deleted.json()).toEqual({ deleted: true });
  });

  test("installed app-wide and used on a route too, it checks once: one browser cookie, one token", async () => {
    const protect = csrf();
    const app = harpia({ logErrors: false });
    app.use(protect);
    app.get("/form", protect, (_req, res) => ({ token: res.locals.csrfToken }));
    app.post("/search", protect, (req) => ({ found: req.body.q }));
    const browser = new TestClient(app, { cookies: true });
    const page = await browser.get("/form");
    expect(page.headers.getSetCookie().filter((c) => c.startsWith("csrf_id="))).toHaveLength(1);
    const { token } = await page.json();
    expect((await browser.post("/search").send(form({ _csrf: token, q: "x" }))).status).toBe(200);
  });

  test("new CSRF().middleware() is the same kind of plugin (the seed-style alias)", async () => {
    const instance = new CSRF();
    const protect = instance.middleware();
    expect(isPlugin(protect)).toBe(true);
    expect(protect.instance).toBe(instance);
    const app = harpia({ logErrors: false });
    app.use(protect);
    app.post("/x", () => "ok");
    expect(app.hasPlugin(CSRF_PLUGIN)).toBe(true);
    expect((await new TestClient(app).post("/x").send(form({}))).status).toBe(403);
  });

  test("bad options are refused when the plugin is made", () => {
    expect(() => csrf({ ignoreMethods: "GET" as never })).toThrow(/ignoreMethods/);
    expect(() => csrf({ sessionId: "sid" as never })).toThrow(/sessionId must be a function/);
    expect(() => csrf({ fieldName: "" })).toThrow(/fieldName/);
    expect(() => csrf({ browserCookieName: "a b" })).toThrow(/browserCookieName/);
    expect(() => csrf({ ttl: -1 })).toThrow(RangeError);
  });

  test("app.close() stops the MemoryStore the plugin made itself, never a store it was given", async () => {
    const own = csrf();
    const given = new MemoryStore();
    const ownClose = spyOn(own.instance.store as MemoryStore, "close");
    const givenClose = spyOn(given, "close");
    const app = harpia();
    app.use(own);
    app.use(csrf({ store: given }));
    await app.close();
    expect(ownClose).toHaveBeenCalledTimes(1);
    expect(givenClose).not.toHaveBeenCalled();
    given.close();
  });
});

describe("the key of signed tokens", () => {
  test("the app's cookieSecret signs them: apps sharing it accept each other's tokens, nothing is stored", async () => {
    const one = protectedApp({ cookieSecret: "the-app-secret-0123456789" });
    const two = protectedApp({ cookieSecret: "the-app-secret-0123456789" });
    const { token, cookie } = await visitorToken(one.app);
    expect((await post(two.app, token, cookie)).status).toBe(200);
    // Not even a secret in the stores.
    expect(one.store.size).toBe(0);
    expect(two.store.size).toBe(0);
    const other = protectedApp({ cookieSecret: "another-secret-0123456789" });
    expect((await post(other.app, token, cookie)).status).toBe(403);
    // A store-secret app (no cookieSecret) does not accept them either.
    expect((await post(protectedApp().app, token, cookie)).status).toBe(403);
  });

  test("`secret` wins over the app's cookieSecret", async () => {
    const secret = "the-csrf-secret-0123456789";
    const { app } = protectedApp({ cookieSecret: "the-app-secret-0123456789" }, { secret });
    const { token, cookie } = await visitorToken(app);
    const sameSecret = protectedApp({}, { secret });
    expect((await post(sameSecret.app, token, cookie)).status).toBe(200);
    const sameAppSecret = protectedApp({ cookieSecret: "the-app-secret-0123456789" });
    expect((await post(sameAppSecret.app, token, cookie)).status).toBe(403);
  });

  test("with cookieSignatureCompat: express, an express-style signature of an expiry is no token", async () => {
    const cookieSecret = "the-app-secret-0123456789";
    const { app } = protectedApp({ cookieSecret, cookieSignatureCompat: "express" });
    const { cookie } = await visitorToken(app);
    // cookie-signature's MAC covers the value alone: what a legacy Express app signing with the
    // same secret could have handed out. Find a far-future expiry whose MAC is base64url-shaped.
    let forged: string | undefined;
    for (let i = 0; forged === undefined; i++) {
      const expiry = (Date.now() + 10 ** 9 + i).toString(36);
      const mac = createHmac("sha256", cookieSecret).update(expiry).digest("base64").replace(/=+$/, "");
      if (/^[A-Za-z0-9_-]{43}$/.test(mac)) forged = `${expiry}.${mac}`;
    }
    expect((await post(app, forged, cookie)).status).toBe(403);
  });
});
