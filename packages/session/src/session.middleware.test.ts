import { afterEach, describe, expect, setSystemTime, spyOn, test } from "bun:test";
import harpia, { MemoryStore } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { CountingStore, cookiesNamed } from "../test/support/helpers";
import { Session, session as sessionPlugin } from "./index";

afterEach(() => setSystemTime());

function counterApp(options: ConstructorParameters<typeof Session>[0] = {}) {
  const store = new CountingStore();
  const session = sessionPlugin({ store, ...options });
  const app = harpia();
  app.use(session);
  app.get("/peek", (req) => ({ views: req.session.views ?? null, id: req.session.id ?? null }));
  app.get("/count", (req) => {
    req.session.views = (req.session.views ?? 0) + 1;
    return { views: req.session.views };
  });
  return { app, store, session };
}

describe("app.use(session(options)): req.session", () => {
  test("no session, cookie or store write until data is set", async () => {
    const { app, store } = counterApp();
    const res = await new TestClient(app).get("/peek");
    expect(await res.json()).toEqual({ views: null, id: null });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(store.calls.set).toBe(0);
    expect(store.inner.size).toBe(0);
  });

  test("setting data creates the session with safe cookie defaults", async () => {
    const { app, session } = counterApp();
    const client = new TestClient(app, { cookies: true });
    const res = await client.get("/count");
    expect(await res.json()).toEqual({ views: 1 });
    const [cookie] = cookiesNamed(res, "session_id");
    expect(cookie).toMatch(/^session_id=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(await (await client.get("/count")).json()).toEqual({ views: 2 });
    expect(await session.get(client.cookies.session_id!)).toEqual({ views: 2 });
  });

  test("an unchanged session is not rewritten; its expiry slides once per touchAfter", async () => {
    const start = new Date("2030-01-01T00:00:00Z").getTime();
    setSystemTime(start);
    const { app, store } = counterApp();
    const client = new TestClient(app, { cookies: true });
    await client.get("/count");
    store.reset();
    const res = await client.get("/peek");
    expect((await res.json()).views).toBe(1);
    // Just written: reading it costs no store call but the read.
    expect(store.calls.set).toBe(0);
    expect(store.calls.expire).toBe(0);
    // A browser-session cookie needs no refresh.
    expect(res.headers.getSetCookie()).toEqual([]);
    // Past touchAfter (60 s by default), the next read slides it, once.
    setSystemTime(start + 61_000);
    await client.get("/peek");
    await client.get("/peek");
    expect(store.calls.set).toBe(0);
    expect(store.calls.expire).toBe(1);
  });

  test("touchAfter: 0 slides on every request; a bad touchAfter is refused", async () => {
    const { app, store } = counterApp({ touchAfter: 0 });
    const client = new TestClient(app, { cookies: true });
    await client.get("/count");
    store.reset();
    await client.get("/peek");
    await client.get("/peek");
    expect(store.calls.expire).toBe(2);
    expect(() => new Session({ touchAfter: -1 })).toThrow(RangeError);
    expect(() => new Session({ touchAfter: "60" as unknown as number })).toThrow(TypeError);
    expect(() => new Session({ ttl: 60, touchAfter: 61 })).toThrow(/touchAfter must be 0 to ttl \(60\)/);
    expect(new Session({ ttl: 60 }).touchAfter).toBe(30);
    expect(new Session().touchAfter).toBe(60);
  });

  test("sliding expiry keeps an active session alive past its ttl; rolling: false does not", async () => {
    for (const rolling of [true, false]) {
      const start = new Date("2030-01-01T00:00:00Z").getTime();
      setSystemTime(start);
      const { app } = counterApp({ ttl: 60, rolling });
      const client = new TestClient(app, { cookies: true });
      await client.get("/count");
      setSystemTime(start + 50_000);
      expect((await (await client.get("/peek")).json()).views).toBe(1);
      setSystemTime(start + 100_000);
      expect((await (await client.get("/peek")).json()).views).toBe(rolling ? 1 : null);
    }
  });

  test("a cookie with maxAge is sent again when the session slides", async () => {
    const start = new Date("2030-01-01T00:00:00Z").getTime();
    setSystemTime(start);
    const { app } = counterApp({ cookie: { maxAge: 600 } });
    const client = new TestClient(app, { cookies: true });
    await client.get("/count");
    expect(cookiesNamed(await client.get("/peek"), "session_id")).toEqual([]);
    setSystemTime(start + 61_000);
    const res = await client.get("/peek");
    expect(cookiesNamed(res, "session_id")[0]).toContain("Max-Age=600");
  });

  test("nested mutations and removed keys are saved", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    app.get("/add/:item", (req) => {
      req.session.cart ??= [];
      req.session.cart.push(req.params.item);
      return { cart: req.session.cart };
    });
    app.get("/clear", (req) => {
      delete req.session.cart;
      return { keys: Object.keys(req.session) };
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/add/apple");
    await client.get("/add/pear");
    const id = client.cookies.session_id!;
    expect(await session.get(id)).toEqual({ cart: ["apple", "pear"] });
    expect(await (await client.get("/clear")).json()).toEqual({ keys: [] });
    expect(await session.get(id)).toEqual({});
  });

  test("changes through any reference handed out are saved, also after save()", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    app.get("/seed", (req) => {
      req.session.prefs = { theme: "light" };
      req.session.tags = ["a"];
      return "ok";
    });
    app.get("/spread", (req) => {
      const copy = { ...req.session } as Record<string, any>;
      copy.prefs.theme = "dark";
      return "ok";
    });
    app.get("/after-save", async (req) => {
      const tags = req.session.tags as string[];
      await req.session.save();
      tags.push("b");
      return "ok";
    });
    app.get("/from-request", async (req) => {
      const data = (await session.fromRequest(req)) as Record<string, any>;
      data.tags.push("c");
      return "ok";
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/seed");
    const id = client.cookies.session_id!;
    await client.get("/spread");
    expect((await session.get(id))?.prefs).toEqual({ theme: "dark" });
    await client.get("/after-save");
    expect((await session.get(id))?.tags).toEqual(["a", "b"]);
    await client.get("/from-request");
    expect((await session.get(id))?.tags).toEqual(["a", "b", "c"]);
  });

  test("concurrent requests changing different keys keep both changes", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get("/start", (req) => {
      req.session.started = true;
      return "ok";
    });
    app.get("/slow", async (req) => {
      await gate;
      req.session.theme = "dark";
      return "ok";
    });
    app.get("/fast", (req) => {
      req.session.lastSeen = "today";
      return "ok";
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/start");
    const slow = client.get("/slow").execute();
    await client.get("/fast");
    release();
    await slow;
    expect(await session.get(client.cookies.session_id!)).toEqual({
      started: true,
      theme: "dark",
      lastSeen: "today",
    });
  });

  test("a session destroyed by another request is not brought back by a slower one", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get("/login", (req) => {
      req.session.userId = "42";
      return "ok";
    });
    app.get("/slow", async (req) => {
      await gate;
      req.session.theme = "dark";
      return "ok";
    });
    app.get("/logout", async (req, res) => {
      await req.session.destroy();
      return res.send("bye");
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/login");
    const id = client.cookies.session_id!;
    const slow = client.get("/slow").execute();
    await client.get("/logout");
    release();
    const res = await slow;
    expect(await session.get(id)).toBeUndefined();
    expect(cookiesNamed(res, "session_id")[0]).toContain("Max-Age=0");
  });

  test("destroy() logs out; data set afterwards starts a new session under a new id", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    app.get("/login", (req) => {
      req.session.userId = "42";
      return "ok";
    });
    app.get("/logout", async (req, res) => {
      await session.destroy(req, res);
      req.session.flash = "Logged out";
      return { userId: req.session.userId ?? null };
    });
    app.get("/me", (req) => ({ userId: req.session.userId ?? null, flash: req.session.flash ?? null }));
    const client = new TestClient(app, { cookies: true });
    await client.get("/login");
    const oldId = client.cookies.session_id!;
    const res = await client.get("/logout");
    expect(await res.json()).toEqual({ userId: null });
    expect(await session.get(oldId)).toBeUndefined();
    const newId = client.cookies.session_id!;
    expect(newId).not.toBe(oldId);
    expect(await (await client.get("/me")).json()).toEqual({ userId: null, flash: "Logged out" });
  });

  test("a stale or malformed cookie never becomes a session id", async () => {
    const { app, store } = counterApp();
    const client = new TestClient(app);
    let res = await client.get("/count").cookie("session_id", "not a valid id!");
    expect(store.calls.get).toBe(0);
    const fresh = cookiesNamed(res, "session_id")[0]!;
    expect(fresh).toMatch(/^session_id=[A-Za-z0-9_-]{32};/);
    store.reset();
    res = await client.get("/count").cookie("session_id", "planted-but-unknown-id");
    expect(cookiesNamed(res, "session_id")[0]).not.toContain("planted-but-unknown-id");
    expect(await store.has("sess:planted-but-unknown-id")).toBe(false);
  });

  test("req.session exposes data as properties; control names are reserved", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    app.get("/", (req) => {
      req.session.name = "Ada";
      let error = "";
      try {
        (req.session as Record<string, unknown>).id = "chosen-by-client";
      } catch (e) {
        error = (e as Error).message;
      }
      return {
        keys: Object.keys(req.session),
        json: JSON.parse(JSON.stringify(req.session)),
        has: "name" in req.session,
        isNew: req.session.isNew,
        error,
      };
    });
    const body = await (await new TestClient(app).get("/")).json();
    expect(body).toEqual({
      keys: ["name"],
      json: { name: "Ada" },
      has: true,
      isNew: true,
      error: "req.session.id is reserved and cannot hold data",
    });
  });

  test("fromRequest under the middleware sees unsaved changes; current() is typed by the generic", async () => {
    const session = new Session<{ userId: string }>();
    const app = harpia();
    app.use(session);
    app.get("/", async (req) => {
      const typed = session.current(req);
      typed.userId = "7";
      // @ts-expect-error userId is a string
      if (false as boolean) typed.userId = 7;
      return { fromRequest: (await session.fromRequest(req)) ?? null };
    });
    expect(await (await new TestClient(app).get("/")).json()).toEqual({ fromRequest: { userId: "7" } });
    const bare = harpia({ logErrors: false });
    bare.get("/", (req) => session.current(req).userId ?? "none");
    const res = await new TestClient(bare).get("/");
    expect(res.status).toBe(500);
  });

  test("the middleware installed twice (app and route) loads the session once", async () => {
    const store = new CountingStore();
    const session = new Session({ store });
    const app = harpia();
    const mw = session.middleware();
    app.use(mw);
    app.get("/count", mw, (req) => {
      req.session.views = (req.session.views ?? 0) + 1;
      return { views: req.session.views };
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/count");
    store.reset();
    expect(await (await client.get("/count")).json()).toEqual({ views: 2 });
    expect(store.calls.get).toBe(2); // one load + one re-read when saving the change
  });
});

describe("cookie security", () => {
  test('secure: "auto" follows the request protocol, and a trusted proxy\'s X-Forwarded-Proto', async () => {
    const plain = counterApp().app;
    const https = new TestClient(plain, { baseUrl: "https://example.com" });
    expect(cookiesNamed(await https.get("/count"), "session_id")[0]).toContain("Secure");
    const http = new TestClient(plain);
    expect(cookiesNamed(await http.get("/count"), "session_id")[0]).not.toContain("Secure");
    const spoofed = await http.get("/count").set("x-forwarded-proto", "https");
    expect(cookiesNamed(spoofed, "session_id")[0]).not.toContain("Secure");

    // The deprecated Session({ trustProxy }) is still honoured.
    const res = await http.get("/count").set("x-forwarded-proto", "https");
    expect(cookiesNamed(res, "session_id")[0]).not.toContain("Secure");
  });

  test("the deprecated Session({ trustProxy }) is ignored, with one warning: only the app's setting counts", async () => {
    const warn = spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { app } = counterApp({ trustProxy: true });
      counterApp({ trustProxy: true });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("trustProxy` option is ignored");
      const res = await new TestClient(app).get("/count").set("x-forwarded-proto", "https");
      expect(cookiesNamed(res, "session_id")[0]).not.toContain("Secure");
    } finally {
      warn.mockRestore();
    }
  });

  test('secure: "auto" follows the app\'s trustProxy (req.secure): one setting for the whole app', async () => {
    const behindProxy = (trustProxy: Parameters<typeof harpia>[0]) => {
      const session = new Session({ store: new MemoryStore() });
      const app = harpia(trustProxy);
      app.use(session.middleware());
      app.get("/count", (req) => {
        req.session.views = 1;
        return "ok";
      });
      return new TestClient(app);
    };
    const viaProxy = (client: TestClient, socket: string) =>
      client.get("/count").ip(socket).set("x-forwarded-proto", "https").execute();
    const trusting = behindProxy({ trustProxy: ["10.0.0.0/8"] });
    expect(cookiesNamed(await viaProxy(trusting, "10.0.0.7"), "session_id")[0]).toContain("Secure");
    // The same header from an address that is not the proxy is the client's word only.
    expect(cookiesNamed(await viaProxy(trusting, "203.0.113.9"), "session_id")[0]).not.toContain("Secure");
    expect(cookiesNamed(await viaProxy(behindProxy({}), "10.0.0.7"), "session_id")[0]).not.toContain(
      "Secure",
    );
  });

  test("secure: true or false is used as given; SameSite=None always gets Secure", async () => {
    const on = new TestClient(counterApp({ cookie: { secure: true } }).app);
    expect(cookiesNamed(await on.get("/count"), "session_id")[0]).toContain("Secure");
    const off = new TestClient(counterApp({ cookie: { secure: false } }).app, { baseUrl: "https://x.test" });
    expect(cookiesNamed(await off.get("/count"), "session_id")[0]).not.toContain("Secure");
    const none = new TestClient(counterApp({ cookie: { sameSite: "None", secure: false } }).app);
    const cookie = cookiesNamed(await none.get("/count"), "session_id")[0]!;
    expect(cookie).toContain("SameSite=None");
    expect(cookie).toContain("Secure");
  });

  test("signed session cookies reject tampered and unsigned ids", async () => {
    const session = new Session({ cookie: { signed: true } });
    const app = harpia({ cookieSecret: "a-long-random-secret" });
    app.use(session);
    app.get("/count", (req) => {
      req.session.views = (req.session.views ?? 0) + 1;
      return { views: req.session.views };
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/count");
    expect(await (await client.get("/count")).json()).toEqual({ views: 2 });
    const signed = decodeURIComponent(client.cookies.session_id!);
    expect(signed).toStartWith("s:");
    const rawId = signed.slice(2, signed.lastIndexOf("."));
    const unsigned = await new TestClient(app).get("/count").cookie("session_id", rawId);
    expect(await unsigned.json()).toEqual({ views: 1 });
  });

  test("invalid options are refused at construction", () => {
    expect(() => new Session({ cookieName: "bad name" })).toThrow(TypeError);
    expect(() => new Session({ ttl: 0 })).toThrow(RangeError);
    const badIds = new Session({ generateId: () => "short" });
    expect(badIds.create({})).rejects.toThrow(/generateId/);
  });

  test("the default store is a MemoryStore shared by nothing else", () => {
    expect(new Session().store).toBeInstanceOf(MemoryStore);
  });
});

describe("regenerate (session fixation)", () => {
  test("an id planted before login is worthless after it; the data moves to the new id", async () => {
    const session = new Session();
    const app = harpia();
    app.use(session);
    app.get("/shop/:item", (req) => {
      req.session.cart = [req.params.item];
      return "ok";
    });
    app.post("/login", async (req, res) => {
      const id = await session.regenerate(req, res);
      req.session.userId = "victim";
      return { id, sameAsProxy: id === req.session.id };
    });
    app.get("/me", (req) => ({ userId: req.session.userId ?? null, cart: req.session.cart ?? null }));

    // The attacker gets a valid anonymous session id...
    const attacker = new TestClient(app, { cookies: true });
    await attacker.get("/shop/book");
    const planted = attacker.cookies.session_id!;
    // ...and plants it in the victim's browser, who then logs in.
    const victim = new TestClient(app, { cookies: true });
    const login = await victim.post("/login").cookie("session_id", planted);
    const { id, sameAsProxy } = await login.json();
    expect(sameAsProxy).toBe(true);
    expect(id).not.toBe(planted);
    expect(victim.cookies.session_id).toBe(id);
    expect(await session.get(planted)).toBeUndefined();
    expect(await session.get(id)).toEqual({ cart: ["book"], userId: "victim" });
    // The attacker's copy of the old id is not logged in.
    expect(await (await attacker.get("/me")).json()).toEqual({ userId: null, cart: null });
  });

  test("without the middleware, regenerate(req, res) rotates the cookie's session", async () => {
    const session = new Session();
    const app = harpia();
    app.post("/login", async (req, res) => ({ id: await session.regenerate(req, res) }));
    const oldId = await session.create({ cart: ["book"] });
    const res = await new TestClient(app).post("/login").cookie("session_id", oldId);
    const { id } = await res.json();
    expect(id).not.toBe(oldId);
    expect(res.headers.getSetCookie()[0]).toStartWith(`session_id=${id};`);
    expect(await session.get(oldId)).toBeUndefined();
    expect(await session.get(id)).toEqual({ cart: ["book"] });
  });
});
