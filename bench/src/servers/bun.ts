/** Raw Bun.serve: the baseline. Uses Bun's native route table, as a hand-written Bun app would. */
import path from "node:path";
import { ready, routeCount, STATIC_DIR, STATIC_FILE, serverArgs, TWELVE_HEADERS, user } from "../scenarios";

const { scenario, port } = serverArgs();
const userRoute = (req: Bun.BunRequest<"/users/:id">) => Response.json(user(req.params.id));
let routes: Record<string, unknown>;

switch (scenario) {
  case "S1":
    routes = { "/": () => new Response("Hello, World!") };
    break;
  case "S2":
  case "S3": // raw Bun has no middleware: S3 is S2 for the baseline
    routes = { "/users/:id": userRoute };
    break;
  case "S4":
    routes = { "/echo": { POST: async (req: Request) => Response.json(await req.json()) } };
    break;
  case "S4V": {
    const { echoSchema } = await import("../validated");
    routes = {
      "/echo-valid": {
        POST: async (req: Request) => {
          const result = echoSchema.safeParse(await req.json().catch(() => undefined));
          if (!result.success) return Response.json({ issues: result.error.issues }, { status: 400 });
          return Response.json(result.data);
        },
      },
    };
    break;
  }
  case "S5": {
    const file = path.join(STATIC_DIR, STATIC_FILE);
    routes = { [`/static/${STATIC_FILE}`]: () => new Response(Bun.file(file)) };
    break;
  }
  case "S6":
    routes = {};
    for (let i = 0; i < routeCount(); i++) routes[`/items${i}/:id`] = userRoute;
    break;
  case "S7":
    routes = {
      "/users/:id": (req: Bun.BunRequest<"/users/:id">) => {
        const origin = req.headers.get("origin");
        const session = req.cookies.get("session");
        const headers = new Headers(TWELVE_HEADERS);
        if (origin) {
          headers.set("access-control-allow-origin", "*");
        }
        headers.set("x-session", session ?? "none");
        return Response.json(user(req.params.id), { headers });
      },
    };
    break;
}

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  routes: routes as never,
  fetch: () => new Response("Not Found", { status: 404 }),
});
ready(server.port!);
