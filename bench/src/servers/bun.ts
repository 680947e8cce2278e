/** Raw Bun.serve: the baseline. Uses Bun's native route table, as a hand-written Bun app would. */
import path from "node:path";
import { csp, FIXED_SECURITY_HEADERS, HSTS, PAGE_ROWS, PAGE_TITLE, VIEWS_DIR, viewedUser } from "../real-app";
import { ready, routeCount, STATIC_DIR, STATIC_FILE, serverArgs, TWELVE_HEADERS, user } from "../scenarios";

const { scenario, port } = serverArgs();
const CSP = csp();
const userRoute = (req: Bun.BunRequest<"/users/:id">) => Response.json(user(req.params.id));
let routes: Record<string, unknown>;
const notFound = () => new Response("Not Found", { status: 404 });
let fallback: (req: Request) => Response = notFound;

/** Most routes given to Bun's native table; beyond, a `Map` per first path segment, by hand. */
const NATIVE_ROUTES = 1000;

/** S6 (`/items<i>/:id`) or S6S (`/plain<i>`) routed by hand: one `Map` lookup on the first segment. */
function handRouter(kind: "S6" | "S6S"): (req: Request) => Response {
  const table = new Map<string, (rest: string) => Response | undefined>();
  for (let i = 0; i < routeCount(); i++) {
    if (kind === "S6S")
      table.set(`plain${i}`, (rest) => (rest === "" ? Response.json(user("42")) : undefined));
    else
      table.set(`items${i}`, (rest) =>
        rest.length > 1 && rest.indexOf("/", 1) === -1
          ? Response.json(user(decodeURIComponent(rest.slice(1))))
          : undefined,
      );
  }
  return (req) => {
    const url = req.url;
    const start = url.indexOf("/", 8) + 1;
    const query = url.indexOf("?", start);
    const path = query === -1 ? url.slice(start) : url.slice(start, query);
    const slash = path.indexOf("/");
    const head = slash === -1 ? path : path.slice(0, slash);
    return table.get(head)?.(slash === -1 ? "" : path.slice(slash)) ?? notFound();
  };
}

switch (scenario) {
  case "S1":
    routes = { "/": () => new Response("Hello, World!") };
    break;
  case "S2":
  case "S3": // raw Bun has no middleware: S3 and S3S are S2 for the baseline
  case "S3S":
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
  case "S6S":
    routes = {};
    // Bun's native table takes about a minute to build 10,000 routes (and then answers ~3k
    // req/s; see the README): past NATIVE_ROUTES, the baseline routes by hand, as such an app would.
    if (routeCount() > NATIVE_ROUTES) fallback = handRouter(scenario);
    else if (scenario === "S6") for (let i = 0; i < routeCount(); i++) routes[`/items${i}/:id`] = userRoute;
    else for (let i = 0; i < routeCount(); i++) routes[`/plain${i}`] = () => Response.json(user("42"));
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
  case "S8": {
    const { login, readSession } = await import("./raw/session");
    routes = {
      "/login": login,
      "/users/:id": (req: Bun.BunRequest<"/users/:id">) => {
        const session = readSession(req);
        // Shield's headers (HSTS when the proxy says HTTPS), CORS, a cookie read.
        const headers = new Headers(FIXED_SECURITY_HEADERS);
        headers.set("content-security-policy", CSP);
        if (req.headers.get("x-forwarded-proto") === "https") headers.set(...HSTS);
        if (req.headers.get("origin")) headers.set("access-control-allow-origin", "*");
        headers.set("x-theme", req.cookies.get("theme") ?? "none");
        return Response.json(viewedUser(req.params.id, session?.name as string | undefined), { headers });
      },
    };
    break;
  }
  case "S9": {
    const { login, readSession } = await import("./raw/session");
    const { Eta } = await import("eta");
    const eta = new Eta({ views: path.join(VIEWS_DIR, "eta"), cache: true });
    routes = {
      "/login": login,
      "/orders": (req: Bun.BunRequest) => {
        const session = readSession(req);
        const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
        const html = eta.render("./orders", {
          title: PAGE_TITLE,
          viewer: (session?.name as string | undefined) ?? "guest",
          rows: PAGE_ROWS,
          nonce,
        });
        const headers = new Headers(FIXED_SECURITY_HEADERS);
        headers.set("content-security-policy", csp(nonce));
        if (req.headers.get("x-forwarded-proto") === "https") headers.set(...HSTS);
        headers.set("content-type", "text/html; charset=utf-8");
        return new Response(html, { headers });
      },
    };
    break;
  }
  case "S10": {
    const { logRequest, rateLimit, requestId } = await import("./raw/production");
    routes = {
      "/users/:id": (req: Bun.BunRequest<"/users/:id">, server: Bun.Server<unknown>) => {
        const started = performance.now();
        const id = requestId(req);
        const ip = server.requestIP(req)?.address;
        const headers = new Headers({ "x-request-id": id });
        const url = req.url;
        const query = url.indexOf("?");
        const pathname = url.slice(url.indexOf("/", 8), query === -1 ? undefined : query);
        const refused = rateLimit(ip ?? "unknown", headers);
        if (refused) {
          logRequest(req, pathname, "/users/:id", 429, started, 0, ip, id);
          return refused;
        }
        const body = JSON.stringify(user(req.params.id));
        headers.set("content-type", "application/json;charset=utf-8");
        logRequest(req, pathname, "/users/:id", 200, started, Buffer.byteLength(body), ip, id);
        return new Response(body, { headers });
      },
    };
    break;
  }
}

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  routes: routes as never,
  fetch: (req) => fallback(req),
});
ready(server.port!);
