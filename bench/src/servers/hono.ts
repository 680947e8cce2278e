/** Hono on Bun, written as its docs suggest. */
import { Hono } from "hono";
import { serveStatic } from "hono/bun";
import { getCookie } from "hono/cookie";
import { cors } from "hono/cors";
import { ready, routeCount, STATIC_DIR, serverArgs, TWELVE_HEADERS, user } from "../scenarios";

const { scenario, port } = serverArgs();
const app = new Hono();

switch (scenario) {
  case "S1":
    app.get("/", (c) => c.text("Hello, World!"));
    break;
  case "S2":
  case "S3":
    if (scenario === "S3") for (let i = 0; i < 5; i++) app.use(async (_c, next) => next());
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
  case "S7":
    app.use(cors({ origin: "*" }));
    app.get("/users/:id", (c) => {
      for (const [name, value] of TWELVE_HEADERS) c.header(name, value);
      c.header("x-session", getCookie(c, "session") ?? "none");
      return c.json(user(c.req.param("id")));
    });
    break;
}

const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: app.fetch });
ready(server.port!);
