import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";
import { pageMiddleware } from "../../middleware/pages";

/** The packages the home page introduces, and where the demo uses each. */
const PACKAGES = [
  {
    name: "@harpia/core",
    description:
      "Routing, middleware, bodies, cookies, static files, compression, WebSockets, stores, uploads.",
    usedFor: "the chat's WebSockets, the picture upload, the stores, compression and the static folder",
  },
  {
    name: "@harpia/preset",
    description: "An app assembled through named, cancellable steps with sensible defaults.",
    usedFor: "the access log, no-cache headers, body limits, error pages and the graceful shutdown",
  },
  {
    name: "@harpia/file-router",
    description: "Route classes in an http/ folder, with a routes map and a middleware map.",
    usedFor: "every page and API route of src/http",
  },
  {
    name: "@harpia/template-engine",
    description: "Layouts, components, loops and plugins, compiled once and escaped by default.",
    usedFor: "these pages (this list is a @for loop)",
  },
  {
    name: "@harpia/session",
    description: "Server-side sessions and CSRF tokens on any store.",
    usedFor: "sign-up, log-in and every form of the site",
  },
  {
    name: "@harpia/rate-limit",
    description: "Sliding or fixed windows per client, with RateLimit headers, on any store.",
    usedFor: "failed logins and sign-ups per IP",
  },
  {
    name: "@harpia/shield",
    description: "Security headers with a per-response CSP nonce.",
    usedFor: "the Content-Security-Policy; the theme script in the page head carries its nonce",
  },
  {
    name: "@harpia/telemetry",
    description: "Traffic, visitors, response times and errors as atomic counters, with a dashboard.",
    usedFor: "/admin/telemetry",
  },
  {
    name: "@harpia/store-redis",
    description: "A Redis store and WebSocket fan-out for many processes.",
    usedFor: "everything, when REDIS_URL is set (bun run demo:cluster)",
  },
  {
    name: "@harpia/request-id",
    description: "One id per request, kept from the proxy or made (UUIDv7), on every response.",
    usedFor: "the X-Request-Id header of every response",
  },
  {
    name: "@harpia/health",
    description: "Liveness and readiness probes that turn 503 as soon as the app closes.",
    usedFor: "/healthz and /readyz (with Redis, ready while it answers), through the preset",
  },
];

/** `GET /`: the home page. */
export default class HomePage {
  routes = { "get /": "home" };
  middleware = { "*": pageMiddleware };

  async home(req: FileRequest, res: HarpiaResponse) {
    const { cache, users, books } = services(req);
    // Counting is cheap here, but it is the kind of thing a real app caches: 10 s, shared by workers.
    const stats = await cache.wrap("home", 10, async () => ({
      members: await users.count(),
      books: (await books.list()).length,
    }));
    await res.render("home", { packages: PACKAGES, books: (await books.list()).slice(0, 10), stats });
  }
}
