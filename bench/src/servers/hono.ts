/** Hono on Bun, written as its docs suggest. */
import path from "node:path";
import { Hono } from "hono";
import { serveStatic } from "hono/bun";
import { getCookie } from "hono/cookie";
import { cors } from "hono/cors";
import {
  COOKIE_SECRET,
  csp,
  FIXED_SECURITY_HEADERS,
  HSTS,
  PAGE_ROWS,
  PAGE_TITLE,
  RATE_LIMIT,
  SECURITY_HEADERS,
  SESSION_TTL,
  VIEWER,
  VIEWS_DIR,
  viewedUser,
} from "../real-app";
import { ready, routeCount, STATIC_DIR, serverArgs, TWELVE_HEADERS, user } from "../scenarios";

const { scenario, port } = serverArgs();
const app = new Hono();

switch (scenario) {
  case "S1":
    app.get("/", (c) => c.text("Hello, World!"));
    break;
  case "S2":
  case "S3":
  case "S3S":
    if (scenario === "S3") for (let i = 0; i < 5; i++) app.use(async (_c, next) => next());
    // Hono's middleware returns a promise: the closest to synchronous is handing back next()'s.
    if (scenario === "S3S") for (let i = 0; i < 5; i++) app.use((_c, next) => next());
    app.get("/users/:id", (c) => c.json(user(c.req.param("id"))));
    break;
  case "S4":
    app.post("/echo", async (c) => c.json(await c.req.json()));
    break;
  case "S4V": {
    const { zValidator } = await import("@hono/zod-validator");
    const { echoSchema } = await import("../validated");
    app.post("/echo-valid", zValidator("json", echoSchema), (c) => c.json(c.req.valid("json")));
    break;
  }
  case "S5":
    app.use(
      "/static/*",
      serveStatic({ root: STATIC_DIR, rewriteRequestPath: (p) => p.replace(/^\/static/, "") }),
    );
    break;
  case "S6":
    for (let i = 0; i < routeCount(); i++) app.get(`/items${i}/:id`, (c) => c.json(user(c.req.param("id"))));
    break;
  case "S6S":
    for (let i = 0; i < routeCount(); i++) app.get(`/plain${i}`, (c) => c.json(user("42")));
    break;
  case "S7":
    app.use(cors({ origin: "*" }));
    app.get("/users/:id", (c) => {
      for (const [name, value] of TWELVE_HEADERS) c.header(name, value);
      c.header("x-session", getCookie(c, "session") ?? "none");
      return c.json(user(c.req.param("id")));
    });
    break;
  case "S8":
  case "S9": {
    // hono-sessions: the common session middleware for Hono, on its memory store, its cookie
    // encrypted with the key as its README recommends.
    const { MemoryStore, sessionMiddleware } = await import("hono-sessions");
    if (scenario === "S8") app.use(cors({ origin: "*" }));
    app.use(
      sessionMiddleware({
        store: new MemoryStore(),
        encryptionKey: COOKIE_SECRET,
        expireAfterSeconds: SESSION_TTL,
        cookieOptions: { path: "/", httpOnly: true, sameSite: "Lax" },
      }),
    );
    app.get("/login", (c) => {
      const session = c.get("session" as never) as { set(key: string, value: unknown): void };
      session.set("userId", VIEWER.userId);
      session.set("name", VIEWER.name);
      return c.text("ok");
    });
    const viewer = (c: { get(key: never): unknown }) =>
      (c.get("session" as never) as { get(key: string): unknown }).get("name") as string | undefined;
    if (scenario === "S8") {
      app.get("/users/:id", (c) => {
        for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
        c.header("x-theme", getCookie(c, "theme") ?? "none");
        return c.json(viewedUser(c.req.param("id"), viewer(c)));
      });
    } else {
      const { Eta } = await import("eta");
      const eta = new Eta({ views: path.join(VIEWS_DIR, "eta"), cache: true });
      app.get("/orders", (c) => {
        const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
        for (const [name, value] of FIXED_SECURITY_HEADERS) c.header(name, value);
        c.header("content-security-policy", csp(nonce));
        c.header(...HSTS);
        return c.html(
          eta.render("./orders", { title: PAGE_TITLE, viewer: viewer(c) ?? "guest", rows: PAGE_ROWS, nonce }),
        );
      });
    }
    break;
  }
  case "S10": {
    const { requestId } = await import("hono/request-id");
    const { getConnInfo } = await import("hono/bun");
    const { pinoLogger } = await import("hono-pino");
    const { rateLimiter } = await import("hono-rate-limiter");
    const { default: pino } = await import("pino");
    app.use(requestId());
    app.use(pinoLogger({ pino: pino({}, { write() {} }) }));
    app.use(
      rateLimiter({
        windowMs: RATE_LIMIT.windowSeconds * 1000,
        limit: RATE_LIMIT.limit,
        standardHeaders: "draft-7",
        keyGenerator: (c) => getConnInfo(c).remote.address ?? "unknown",
      }),
    );
    app.get("/users/:id", (c) => c.json(user(c.req.param("id"))));
    break;
  }
}

const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: app.fetch });
ready(server.port!);
