// How sessions install: app.use(session(...)) / app.use(new Session()), router.use, the
// middleware() alias, req.state.session, and what app.close() releases.
import { describe, expect, spyOn, test } from "bun:test";
import harpia, { isPlugin, MemoryStore, Router } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { CountingStore } from "../test/support/helpers";
import { SESSION_PLUGIN, Session, SessionManager, session } from "./index";

describe("installing sessions", () => {
  test("app.use(session(options)) sets req.state.session, and req.session is the same object", async () => {
    const sessions = session({ store: new MemoryStore() });
    expect(sessions).toBeInstanceOf(Session);
    expect(isPlugin(sessions)).toBe(true);
    const app = harpia();
    app.use(sessions);
    expect(app.hasPlugin(SESSION_PLUGIN)).toBe(true);
    app.get("/count", (req) => {
      const views: number = ((req.state.session.views as number | undefined) ?? 0) + 1;
      req.state.session.views = views;
      // @ts-expect-error not a key of RequestState
      void req.state.sesion;
      return { views: req.session.views, same: req.session === req.state.session, id: req.state.session.id };
    });
    const client = new TestClient(app, { cookies: true });
    expect(await (await client.get("/count")).json()).toMatchObject({ views: 1, same: true });
    const second = await (await client.get("/count")).json();
    expect(second).toEqual({ views: 2, same: true, id: client.cookies.session_id });
    expect(await sessions.get(client.cookies.session_id!)).toEqual({ views: 2 });
  });

  test("new Session() is the same plugin; using it twice on one app installs it once", async () => {
    const store = new CountingStore();
    const sessions = new Session({ store });
    const app = harpia();
    app.use(sessions);
    app.use(sessions);
    app.get("/count", (req) => {
      req.session.views = ((req.session.views as number | undefined) ?? 0) + 1;
      return { views: req.session.views };
    });
    const client = new TestClient(app, { cookies: true });
    await client.get("/count");
    store.reset();
    expect(await (await client.get("/count")).json()).toEqual({ views: 2 });
    expect(store.calls.get).toBe(2); // one load + one re-read when saving the change
  });

  test("router.use(session) gives sessions to that router's routes only", async () => {
    const sessions = new Session();
    const account = Router("/account");
    account.use(sessions);
    account.get("/", (req) => ({ hasSession: req.state.session !== undefined }));
    const app = harpia();
    app.routes(account);
    app.get("/public", (req) => ({ hasSession: req.state.session !== undefined }));
    const client = new TestClient(app);
    expect(await (await client.get("/account")).json()).toEqual({ hasSession: true });
    expect(await (await client.get("/public")).json()).toEqual({ hasSession: false });
  });

  test("the middleware() alias installs the same way, and works on one path", async () => {
    const sessions = new Session();
    expect(sessions.middleware()).toBe(sessions.middleware());
    const whole = harpia();
    whole.use(sessions.middleware());
    expect(whole.hasPlugin(SESSION_PLUGIN)).toBe(true);
    whole.get("/", (req) => ({ hasSession: req.state.session !== undefined }));
    expect(await (await new TestClient(whole).get("/")).json()).toEqual({ hasSession: true });

    const scoped = harpia();
    scoped.use("/account", sessions.middleware());
    scoped.get("/account/me", (req) => ({ hasSession: req.session !== undefined }));
    scoped.get("/other", (req) => ({ hasSession: req.session !== undefined }));
    expect(scoped.hasPlugin(SESSION_PLUGIN)).toBe(false);
    expect(await (await new TestClient(scoped).get("/account/me")).json()).toEqual({ hasSession: true });
    expect(await (await new TestClient(scoped).get("/other")).json()).toEqual({ hasSession: false });
  });

  test("SessionManager keeps the seed's calls over the same plugin", async () => {
    const manager = new SessionManager();
    const app = harpia();
    app.use(manager.session);
    app.get("/", (req) => ({ username: req.session.username ?? null }));
    const id = await manager.createSession({ username: "Alice" });
    const res = await new TestClient(app).get("/").cookie("session_id", id);
    expect(await res.json()).toEqual({ username: "Alice" });
  });
});

describe("app.close()", () => {
  test("stops the MemoryStore a session made itself, never a store it was given", async () => {
    const own = new Session();
    const given = new MemoryStore();
    const shared = new Session({ store: given });
    const ownClose = spyOn(own.store as MemoryStore, "close");
    const givenClose = spyOn(given, "close");
    const app = harpia();
    app.use(own);
    app.use(shared);
    expect(ownClose).not.toHaveBeenCalled();
    await app.close();
    expect(ownClose).toHaveBeenCalledTimes(1);
    expect(givenClose).not.toHaveBeenCalled();
    given.close();
  });
});
