// CSRF for visitors without a session: signed tokens tied to a random browser cookie, so
// anonymous page views store nothing and cannot push signed-in members out of a bounded store.
import { afterEach, describe, expect, setSystemTime, test } from "bun:test";
import harpia, { HttpError, MemoryStore } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { type CSRFOptions, csrf, session } from "./index";

afterEach(() => setSystemTime());

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

/** A login form, an account page, a cart anyone can fill, and a search that stores nothing. */
function site(store = new MemoryStore({ sweepIntervalSeconds: 0 }), csrfOptions: CSRFOptions = {}) {
  const protect = csrf({ store, ttl: 60 * 60 * 1000, ...csrfOptions });
  const app = harpia({ logErrors: false });
  app.use(session({ store }));
  app.use(protect);
  app.get("/form", (_req, res) => res.json({ token: res.locals.csrfToken }));
  app.post("/search", (req) => ({ found: req.body.q }));
  app.post("/cart", (req) => {
    req.session.cart = [...((req.session.cart as string[] | undefined) ?? []), req.body.item];
    return { cart: req.session.cart };
  });
  app.post("/login", async (req, res) => {
    if (req.body.password !== "hunter2") throw new HttpError(401, "Wrong password");
    await req.session.regenerate();
    req.session.user = req.body.username;
    res.status(204).send();
  });
  app.get("/account", (req, res) =>
    req.session.user
      ? res.json({ user: req.session.user, token: res.locals.csrfToken })
      : res.status(401).send(),
  );
  app.post("/account", (req) => ({ user: req.session.user, saved: true }));
  return { app, store, csrf: protect.instance };
}

type Browser = TestClient;

async function tokenOf(browser: Browser, path = "/form"): Promise<string> {
  const body = (await (await browser.get(path).execute()).json()) as { token: string };
  return body.token;
}

async function signIn(browser: Browser, username: string): Promise<void> {
  const token = await tokenOf(browser);
  const res = await browser.post("/login").send(form({ _csrf: token, username, password: "hunter2" }));
  expect(res.status).toBe(204);
}

describe("visitors without a session", () => {
  test("a flood of anonymous page views and posts leaves an idle member signed in (store of 20 entries)", async () => {
    const store = new MemoryStore({ maxEntries: 20, sweepIntervalSeconds: 0 });
    const { app } = site(store);
    const member = new TestClient(app, { cookies: true });
    await signIn(member, "ada");

    for (let i = 0; i < 2_000; i++) {
      const visitor = new TestClient(app, { cookies: true });
      const token = await tokenOf(visitor);
      if (i % 10 === 0) {
        const res = await visitor.post("/search").send(form({ _csrf: token, q: "books" }));
        expect(res.status).toBe(200);
      }
    }
    const account = await member.get("/account").execute();
    expect(account.status).toBe(200);
    const { user, token } = (await account.json()) as { user: string; token: string };
    expect(user).toBe("ada");
    const saved = await member.post("/account").send(form({ _csrf: token }));
    expect(await saved.json()).toEqual({ user: "ada", saved: true });
    // The member's session and the CSRF secret: nothing per visitor.
    expect(store.size).toBe(2);
  });

  test("a token works only with the browser cookie it was issued for, until it expires", async () => {
    const start = new Date("2030-01-01T00:00:00Z").getTime();
    setSystemTime(start);
    const { app } = site();
    const alice = new TestClient(app, { cookies: true });
    const bob = new TestClient(app, { cookies: true });
    const aliceToken = await tokenOf(alice);
    await tokenOf(bob);
    expect(alice.cookies.csrf_id).not.toBe(bob.cookies.csrf_id);

    const search = (browser: Browser, token: string) =>
      browser
        .post("/search")
        .set("accept", "application/json")
        .send(form({ _csrf: token, q: "x" }));
    expect((await search(alice, aliceToken)).status).toBe(200);
    // Alice's token from Bob's browser, or with no cookie at all.
    const fromBob = await search(bob, aliceToken);
    expect(fromBob.status).toBe(403);
    expect(await fromBob.json()).toMatchObject({ code: "CSRF_INVALID" });
    expect((await search(new TestClient(app), aliceToken)).status).toBe(403);
    // Another signature, or another expiry with the same signature.
    const [expiry, mac] = aliceToken.split(".") as [string, string];
    const otherMac = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    expect((await search(alice, `${expiry}.${otherMac}`)).status).toBe(403);
    const later = (Number.parseInt(expiry, 36) + 86_400_000).toString(36);
    expect((await search(alice, `${later}.${mac}`)).status).toBe(403);
    // A cookie that is not a browser id is no cookie.
    const odd = await new TestClient(app)
      .post("/search")
      .cookie("csrf_id", "x")
      .send(form({ _csrf: aliceToken }));
    expect(odd.status).toBe(403);

    setSystemTime(start + 60 * 60 * 1000 - 1);
    expect((await search(alice, aliceToken)).status).toBe(200);
    setSystemTime(start + 60 * 60 * 1000 + 1);
    expect((await search(alice, aliceToken)).status).toBe(403);
  });

  test("several tabs: every page's token stays valid", async () => {
    const { app } = site();
    const browser = new TestClient(app, { cookies: true });
    const tabs = [await tokenOf(browser), await tokenOf(browser), await tokenOf(browser)];
    for (const token of tabs.reverse()) {
      const res = await browser.post("/search").send(form({ _csrf: token, q: "x" }));
      expect(res.status).toBe(200);
    }
  });

  test("a session created from data keeps the other tabs' tokens; a session given at login does not", async () => {
    const { app } = site();
    const browser = new TestClient(app, { cookies: true });
    const [tab1, tab2, tab3] = [await tokenOf(browser), await tokenOf(browser), await tokenOf(browser)];

    // Tab 1 adds to the cart: the session is created now, and linked to this browser.
    let res = await browser.post("/cart").send(form({ _csrf: tab1, item: "book" }));
    expect(await res.json()).toEqual({ cart: ["book"] });
    expect(browser.cookies.session_id).toBeDefined();
    // Tab 2's form, rendered before the session existed, still posts into it.
    res = await browser.post("/cart").send(form({ _csrf: tab2, item: "pen" }));
    expect(await res.json()).toEqual({ cart: ["book", "pen"] });

    // The link is for this session only: another visitor's session with this cookie is refused.
    const other = new TestClient(app, { cookies: true });
    await other.post("/cart").send(form({ _csrf: await tokenOf(other), item: "ink" }));
    const swapped = await new TestClient(app)
      .post("/cart")
      .cookie("session_id", other.cookies.session_id!)
      .cookie("csrf_id", browser.cookies.csrf_id!)
      .send(form({ _csrf: tab3, item: "x" }));
    expect(swapped.status).toBe(403);

    // Login gives a new session id that is never linked: pre-login tokens stop working.
    await signIn(browser, "ada");
    res = await browser.post("/account").send(form({ _csrf: tab3 }));
    expect(res.status).toBe(403);
    res = await browser.post("/account").send(form({ _csrf: await tokenOf(browser) }));
    expect(await res.json()).toEqual({ user: "ada", saved: true });
  });
});

describe("the signing secret", () => {
  test("tokens of another secret are refused; a list rotates (the first signs, all verify)", async () => {
    const store = new MemoryStore({ sweepIntervalSeconds: 0 });
    const old = site(store, { secret: "the-old-secret-0123456789" });
    const browser = new TestClient(old.app, { cookies: true });
    const token = await tokenOf(browser);
    const cookie = browser.cookies.csrf_id!;
    const post = (app: ReturnType<typeof site>["app"]) =>
      new TestClient(app)
        .post("/search")
        .cookie("csrf_id", cookie)
        .send(form({ _csrf: token, q: "x" }));

    expect((await post(old.app)).status).toBe(200);
    expect((await post(site(store, { secret: "another-secret-0123456789" }).app)).status).toBe(403);
    const rotated = site(store, { secret: ["the-new-secret-0123456789", "the-old-secret-0123456789"] });
    expect((await post(rotated.app)).status).toBe(200);
    // Nothing was stored for them: with `secret`, not even a secret.
    expect(store.size).toBe(0);
  });

  test("without `secret`, instances sharing a store share one random secret", async () => {
    const store = new MemoryStore({ sweepIntervalSeconds: 0 });
    const [one, two] = [site(store), site(store)];
    const browser = new TestClient(one.app, { cookies: true });
    const token = await tokenOf(browser);
    const post = (app: ReturnType<typeof site>["app"]) =>
      new TestClient(app)
        .post("/search")
        .cookie("csrf_id", browser.cookies.csrf_id!)
        .send(form({ _csrf: token, q: "x" }));
    expect((await post(two.app)).status).toBe(200);
    expect(await store.get("csrf:~secret")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Another store, another secret.
    expect((await post(site().app)).status).toBe(403);
  });
});
