// The seed's Session, SessionManager and Redis-session examples, run through a real app.
import { describe, expect, test } from "bun:test";
import harpia, { MemoryStore, RequestCookies } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { seedSessionApp } from "../test/support/seed-example";
import { Session, SessionManager } from "./index";

function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

describe("seed: Session", () => {
  const app = harpia();
  const session = new Session();

  app.get("/login", async (_req, res) => {
    const userData = { username: "john_doe", role: "admin" };
    const sessionId = await session.create(userData);
    session.setCookie(res, sessionId, { httpOnly: true, secure: true });
    res.json({ message: "User logged in successfully!" });
  });

  app.get("/profile", async (req, res) => {
    const userSession = await session.fromRequest(req);
    if (userSession) {
      res.json({ status: "success", data: userSession });
    } else {
      res.json({ status: "not authenticated", message: "Please log in first." });
    }
  });

  app.get("/update-profile", async (req, res) => {
    const sessionId = req.cookies.get("session_id");
    if (sessionId) {
      const updatedData = { role: "super_admin" };
      const success = await session.update(sessionId, updatedData);
      if (success) {
        res.json({ status: "success", message: "Profile updated." });
      } else {
        res.json({ status: "error", message: "Session not found." });
      }
    } else {
      res.json({ status: "error", message: "Session not found." });
    }
  });

  app.get("/logout", async (req, res) => {
    const sessionId = req.cookies.get("session_id");
    if (sessionId) {
      await session.delete(sessionId, res);
      res.json({ message: "User logged out successfully!" });
    } else {
      res.json({ message: "No active session found." });
    }
  });

  app.get("/set-cookie", (_req, res) => {
    const sessionId = "example-session-id";
    session.setCookie(res, sessionId, { httpOnly: true, secure: true, maxAge: 3600 });
    res.json({ message: "Session cookie set." });
  });

  test("login, profile, update, logout", async () => {
    const client = new TestClient(app, { cookies: true });

    let res = await client.get("/profile");
    expect(await res.json()).toEqual({ status: "not authenticated", message: "Please log in first." });

    res = await client.get("/login");
    expect(await res.json()).toEqual({ message: "User logged in successfully!" });
    const [cookie] = setCookies(res);
    expect(cookie).toMatch(/^session_id=[A-Za-z0-9_-]{32};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");

    res = await client.get("/profile");
    expect(await res.json()).toEqual({ status: "success", data: { username: "john_doe", role: "admin" } });

    res = await client.get("/update-profile");
    expect(await res.json()).toEqual({ status: "success", message: "Profile updated." });
    res = await client.get("/profile");
    expect(await res.json()).toEqual({
      status: "success",
      data: { username: "john_doe", role: "super_admin" },
    });

    const sessionId = client.cookies.session_id!;
    res = await client.get("/logout");
    expect(await res.json()).toEqual({ message: "User logged out successfully!" });
    const cleared = setCookies(res)[0]!;
    expect(cleared).toMatch(/^session_id=;.*Max-Age=0/);
    // Cleared without Secure so it also works where the page is plain HTTP.
    expect(cleared).not.toContain("Secure");
    expect(client.cookies.session_id).toBeUndefined();
    expect(await session.get(sessionId)).toBeUndefined();

    res = await client.get("/logout");
    expect(await res.json()).toEqual({ message: "No active session found." });
  });

  test("update of a missing session answers false and stores nothing", async () => {
    const res = await new TestClient(app).get("/update-profile").cookie("session_id", "missing-session-id");
    expect(await res.json()).toEqual({ status: "error", message: "Session not found." });
    expect(await session.get("missing-session-id")).toBeUndefined();
  });

  test("custom session cookie options", async () => {
    const res = await new TestClient(app).get("/set-cookie");
    expect(await res.json()).toEqual({ message: "Session cookie set." });
    const [cookie] = setCookies(res);
    expect(cookie).toStartWith("session_id=example-session-id;");
    expect(cookie).toContain("Max-Age=3600");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
  });

  test("ids are unique, 192-bit base64url", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add(await session.create({ n: i }));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe("seed: Memory Storage with SessionManager", () => {
  test("createSession, getSession, deleteSession", async () => {
    const memoryStore = new MemoryStore();
    const sessionManager = new SessionManager({ store: memoryStore });
    const sessionId = await sessionManager.createSession({ userId: 1, username: "Alice" });
    const session = await sessionManager.getSession(sessionId);
    expect(session).toEqual({ userId: 1, username: "Alice" });
    await sessionManager.deleteSession(sessionId);
    expect(await sessionManager.getSession(sessionId)).toBeUndefined();
  });

  test("keys are prefixed sess: so one store can hold sessions, CSRF tokens and a cache", async () => {
    const store = new MemoryStore();
    const sessionManager = new SessionManager({ store });
    const sessionId = await sessionManager.createSession({ userId: 1 });
    expect(await store.get(`sess:${sessionId}`)).toEqual({ userId: 1 });
    expect(await store.has(sessionId)).toBe(false);
  });
});

describe("seed: sessions in a Router with a custom cookie name (the Redis example)", () => {
  const store = new MemoryStore();
  const app = seedSessionApp(store);

  test("login, profile, logout", async () => {
    const client = new TestClient(app, { cookies: true });
    expect((await client.get("/profile")).status).toBe(401);

    let res = await client.post("/login");
    expect(await res.json()).toEqual({ message: "Successful login!" });
    expect(client.cookies.theme).toBe("dark");
    const sessionId = client.cookies.my_session_id!;
    expect(await store.get(`sess:${sessionId}`)).toEqual({ userId: "12345", username: "pyro" });

    res = await client.post("/login");
    expect(await res.json()).toEqual({ message: "Session does not exists." });

    res = await client.get("/profile");
    expect(await res.json()).toEqual({ profile: { userId: "12345", username: "pyro" } });

    res = await client.post("/logout");
    expect(await res.json()).toEqual({ message: "Successful logout!" });
    expect(await store.has(`sess:${sessionId}`)).toBe(false);
    expect((await client.get("/profile")).status).toBe(401);
    expect((await client.post("/logout")).status).toBe(400);
  });
});

describe("fromWebSocket", () => {
  test("reads the session cookie from ws.data.cookies (RequestCookies, record or Cookie header)", async () => {
    const session = new Session();
    const id = await session.create({ username: "Alice" });
    expect(await session.fromWebSocket({ data: { cookies: { session_id: id } } })).toEqual({
      username: "Alice",
    });
    expect(await session.fromWebSocket({ data: { cookies: `theme=dark; session_id=${id}` } })).toEqual({
      username: "Alice",
    });
    expect(await session.fromWebSocket(`session_id=${id}`)).toEqual({ username: "Alice" });
    expect(await session.fromWebSocket({ data: { cookies: {} } })).toBeUndefined();
    expect(await session.fromWebSocket({ data: {} })).toBeUndefined();
    expect(await session.fromWebSocket({ data: { cookies: { session_id: "x;y" } } })).toBeUndefined();
    expect(
      await session.fromWebSocket({ data: { cookies: new RequestCookies(`session_id=${id}`) } }),
    ).toEqual({
      username: "Alice",
    });
  });

  test("works on core's app.ws: ws.data.cookies, and req.session in the upgrade hook", async () => {
    const session = new Session();
    const id = await session.create({ username: "Alice" });
    const app = harpia();
    app.use(session.middleware());
    app.ws("/chat", {
      upgrade: (req) => ({ fromMiddleware: req.session.username ?? null }),
      async open(ws) {
        const data = await session.fromWebSocket(ws);
        ws.send(JSON.stringify({ data: data ?? null, fromMiddleware: ws.data.fromMiddleware }));
      },
    });
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const receive = (headers: Record<string, string>) =>
        new Promise<unknown>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${server.port}/chat`, { headers } as unknown as string[]);
          ws.onmessage = (event) => {
            resolve(JSON.parse(String(event.data)));
            ws.close();
          };
          ws.onerror = () => reject(new Error("WebSocket failed"));
        });
      expect(await receive({ cookie: `session_id=${id}` })).toEqual({
        data: { username: "Alice" },
        fromMiddleware: "Alice",
      });
      expect(await receive({})).toEqual({ data: null, fromMiddleware: null });
    } finally {
      await server.stop(true);
    }
  });
});
