/** Elysia on Bun, written as its docs suggest. */
import { cors } from "@elysiajs/cors";
import { staticPlugin } from "@elysiajs/static";
import { Elysia, t } from "elysia";
import { ready, routeCount, STATIC_DIR, serverArgs, TWELVE_HEADERS, user } from "../scenarios";

const { scenario, port } = serverArgs();
let app: Elysia<any, any, any, any, any, any, any> = new Elysia();

switch (scenario) {
  case "S1":
    app = app.get("/", () => "Hello, World!");
    break;
  case "S2":
  case "S3":
    if (scenario === "S3") for (let i = 0; i < 5; i++) app = app.onRequest(() => {});
    app = app.get("/users/:id", ({ params }) => user(params.id));
    break;
  case "S4":
    app = app.post("/echo", ({ body }) => body as Record<string, unknown>);
    break;
  case "S4V":
    app = app.post("/echo-valid", ({ body }) => body, {
      body: t.Object({
        name: t.String({ minLength: 1 }),
        email: t.String({ format: "email" }),
        age: t.Integer({ minimum: 0 }),
        tags: t.Array(t.String()),
        active: t.Boolean(),
      }),
    });
    break;
  case "S5":
    app = app.use(await staticPlugin({ assets: STATIC_DIR, prefix: "/static" }));
    break;
  case "S6":
    for (let i = 0; i < routeCount(); i++) app = app.get(`/items${i}/:id`, ({ params }) => user(params.id));
    break;
  case "S7":
    app = app.use(cors({ origin: "*" })).get("/users/:id", ({ params, set, cookie }) => {
      for (const [name, value] of TWELVE_HEADERS) set.headers[name] = value;
      set.headers["x-session"] = String(cookie.session?.value ?? "none");
      return user(params.id);
    });
    break;
}

app.listen({ port, hostname: "127.0.0.1" });
ready(app.server!.port!);
