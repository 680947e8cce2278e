/** Harpia, written as a user would. */
import path from "node:path";
import harpia from "@harpia/core";
import { COOKIE_SECRET, PAGE_ROWS, PAGE_TITLE, RATE_LIMIT, VIEWER, VIEWS_DIR, viewedUser } from "../real-app";
import { ready, routeCount, STATIC_DIR, serverArgs, TWELVE_HEADERS, user } from "../scenarios";

const { scenario, port } = serverArgs();
// S8 and S9 sign the session cookie, and trust the proxy's X-Forwarded-Proto (HSTS on HTTPS).
const realApp = scenario === "S8" || scenario === "S9";
const app = harpia({
  logErrors: false,
  ...(realApp ? { cookieSecret: COOKIE_SECRET, trustProxy: true } : {}),
});

switch (scenario) {
  case "S1":
    app.get("/", (_req, res) => res.send("Hello, World!"));
    break;
  case "S2":
  case "S3":
  case "S3S":
    // Async `await next()` middleware, the way most middleware is written (issue 18); S3S the
    // synchronous kind, as Elysia's hooks are.
    if (scenario === "S3")
      for (let i = 0; i < 5; i++)
        app.use(async (_req, _res, next) => {
          await next();
        });
    if (scenario === "S3S") for (let i = 0; i < 5; i++) app.use((_req, _res, next) => next());
    app.get("/users/:id", (req, res) => res.json(user(req.params.id)));
    break;
  case "S4":
    app.post("/echo", (req, res) => res.json(req.body));
    break;
  case "S4V": {
    // Loaded only here, so other scenarios do not load zod.
    const { echoSchema } = await import("../validated");
    app.post("/echo-valid", { schema: { body: echoSchema } }, (req, res) => res.json(req.body));
    break;
  }
  case "S5":
    app.static(STATIC_DIR, { prefix: "/static" });
    break;
  case "S6":
    for (let i = 0; i < routeCount(); i++)
      app.get(`/items${i}/:id`, (req, res) => res.json(user(req.params.id)));
    break;
  case "S6S":
    for (let i = 0; i < routeCount(); i++) app.get(`/plain${i}`, (_req, res) => res.json(user("42")));
    break;
  case "S7":
    app.cors({ origin: "*" });
    app.get("/users/:id", (req, res) => {
      for (const [name, value] of TWELVE_HEADERS) res.header(name, value);
      res.header("x-session", req.cookies.get("session") ?? "none");
      res.json(user(req.params.id));
    });
    break;
  case "S8":
  case "S9": {
    const { shield } = await import("@harpia/shield");
    const { session } = await import("@harpia/session");
    app.use(shield({ useNonce: scenario === "S9" }));
    app.use(session({ cookie: { signed: true } }));
    app.get("/login", (req, res) => {
      req.session.userId = VIEWER.userId;
      req.session.name = VIEWER.name;
      res.send("ok");
    });
    if (scenario === "S8") {
      app.cors({ origin: "*" });
      app.get("/users/:id", (req, res) => {
        res.header("x-theme", req.cookies.get("theme") ?? "none");
        res.json(viewedUser(req.params.id, req.session.name));
      });
    } else {
      const { TemplateEngine } = await import("@harpia/template-engine");
      const engine = new TemplateEngine({
        viewName: "page",
        path: {
          views: path.join(VIEWS_DIR, "harpia/pages"),
          layouts: path.join(VIEWS_DIR, "harpia/layouts"),
        },
      });
      app.use(engine);
      app.get("/orders", async (req, res) => {
        await res.render("orders", {
          title: PAGE_TITLE,
          viewer: req.session.name ?? "guest",
          rows: PAGE_ROWS,
        });
      });
    }
    break;
  }
  case "S10": {
    const { logger } = await import("@harpia/core");
    const { requestId } = await import("@harpia/request-id");
    const { rateLimit } = await import("@harpia/rate-limit");
    app.use(requestId());
    app.use(
      logger({ format: "json", write: () => {}, fields: (req) => ({ requestId: req.state.requestId }) }),
    );
    app.use(rateLimit({ limit: RATE_LIMIT.limit, window: RATE_LIMIT.windowSeconds }));
    app.get("/users/:id", (req, res) => res.json(user(req.params.id)));
    break;
  }
}

const server = app.listen({ port, hostname: "127.0.0.1" });
ready(server.port!);
