/** Elysia on Bun, written as its docs suggest. */
import { cors } from "@elysiajs/cors";
import { staticPlugin } from "@elysiajs/static";
import { Elysia, t } from "elysia";
import { RATE_LIMIT } from "../real-app";
import { ready, routeCount, STATIC_DIR, serverArgs, TWELVE_HEADERS, unsupported, user } from "../scenarios";

const { scenario, port } = serverArgs();
/** Why Elysia skips S6 with 10,000 routes (measured; see the README). */
const ELYSIA_10K =
  "10,000 routes with a parameter gave no answer within 3 minutes of starting (measured once)";
let app: Elysia<any, any, any, any, any, any, any> = new Elysia();

switch (scenario) {
  case "S1":
    app = app.get("/", () => "Hello, World!");
    break;
  case "S2":
  case "S3":
  case "S3S":
    // Elysia's lifecycle hooks have no next(): the same 5 synchronous hooks stand for both.
    if (scenario !== "S2") for (let i = 0; i < 5; i++) app = app.onRequest(() => {});
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
    if (routeCount() > 1000) unsupported(ELYSIA_10K);
    for (let i = 0; i < routeCount(); i++) app = app.get(`/items${i}/:id`, ({ params }) => user(params.id));
    break;
  case "S6S":
    for (let i = 0; i < routeCount(); i++) app = app.get(`/plain${i}`, () => user("42"));
    break;
  case "S7":
    app = app.use(cors({ origin: "*" })).get("/users/:id", ({ params, set, cookie }) => {
      for (const [name, value] of TWELVE_HEADERS) set.headers[name] = value;
      set.headers["x-session"] = String(cookie.session?.value ?? "none");
      return user(params.id);
    });
    break;
  case "S8":
  case "S9":
    unsupported("no well-kept session plugin for Elysia");
    break;
  case "S10": {
    // No maintained request-id plugin (elysia-requestid targets Elysia 0.7): a hook does it, as
    // @harpia/request-id does (a valid incoming id, else a UUIDv7).
    const { logger } = await import("@bogeychan/elysia-logger");
    const { rateLimit } = await import("elysia-rate-limit");
    const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
    app = app
      .onRequest(({ request, set }) => {
        const incoming = request.headers.get("x-request-id");
        set.headers["x-request-id"] =
          incoming !== null && REQUEST_ID.test(incoming) ? incoming : Bun.randomUUIDv7();
      })
      .use(
        logger({
          stream: { write() {} },
          customProps: (ctx) => ({ requestId: ctx.set.headers["x-request-id"] }),
        }),
      )
      .use(rateLimit({ duration: RATE_LIMIT.windowSeconds * 1000, max: RATE_LIMIT.limit }))
      .get("/users/:id", ({ params }) => user(params.id));
    break;
  }
}

app.listen({ port, hostname: "127.0.0.1" });
ready(app.server!.port!);
