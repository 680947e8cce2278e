import path from "node:path";
import { type CloseOptions, compress, type Harpia } from "@harpia/core";
import { fileRoutes } from "@harpia/file-router";
import { metrics } from "@harpia/metrics";
import { openapi } from "@harpia/openapi";
import { Preset, type PresetApp } from "@harpia/preset";
import { requestId } from "@harpia/request-id";
import { session } from "@harpia/session";
import { shield } from "@harpia/shield";
import { booksApi } from "./api/books";
import { registerChat } from "./chat";
import { provideServices } from "./context";
import { htmlErrorPages, jsonApiErrors } from "./error-pages";
import { createServices, type DemoServices } from "./services";
import { createStores, type DemoStores } from "./services/stores";
import { DEMO_ROOT, type DemoOptions, resolveSettings } from "./settings";

/** Paths where HTML forms post `application/x-www-form-urlencoded` (all CSRF-protected). */
const FORM_PATHS = ["/signup", "/login", "/logout", "/notes", "/account"];
/** How long the demo waits for the chat's fan-out to subscribe before serving. */
const PUBSUB_READY_WAIT_MS = 5_000;

/**
 * Waits for `ready`, at most `ms`. The timer is cleared once `ready` resolves: a pending one
 * would keep the process alive after a shutdown (it would not end by itself until it fired).
 */
async function readyWithin(ready: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A running (or, with `listen: false`, fetch-only) demo. */
export interface Demo {
  /** The Harpia app: `app.fetch` works with or without a server. */
  readonly app: Harpia;
  /** Where it listens, when it does. */
  readonly url: URL | undefined;
  readonly services: DemoServices;
  /**
   * `app.close()`: `/readyz` answers 503, the server stops accepting, requests in flight finish,
   * WebSockets are closed with 1001, then every plugin's `onClose` hook runs in reverse order of
   * installation (telemetry writes what it was recording, the fan-out and the stores close).
   * Calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Builds the demo with `@harpia/preset`: one plugin per package, each installed with
 * `app.use()` in the preset's steps. Stores are in memory unless `redisUrl` is given. Nothing
 * is closed by hand: each plugin that holds something closes it when the app closes
 * (`demo.close()`, or SIGTERM/SIGINT with `shutdownOnSignals`).
 *
 * @example
 * const demo = await createDemo({ port: 0, hostname: "127.0.0.1", accessLog: false });
 * console.log(`listening on ${demo.url}`);
 * await demo.close();
 */
export async function createDemo(options: DemoOptions = {}): Promise<Demo> {
  const settings = resolveSettings(options);
  const preset = new Preset();
  // Made in `init`, inside the app's lifecycle: if a later step fails, the preset closes the
  // app, and with it whatever was installed so far.
  let stores: DemoStores | undefined;
  let service: DemoServices | undefined;

  preset.on("init", async (app) => {
    // First, so every hook and middleware after it sees req.state.requestId (and every
    // response, even one refused before routing, carries X-Request-Id).
    app.use(requestId());
    // Prometheus metrics on /metrics for a scraper with METRICS_TOKEN; none without it.
    if (settings.metricsToken !== undefined) app.use(metrics({ token: settings.metricsToken }));
    // The stores before everything that uses them: onClose hooks run in reverse order of
    // installation, so the stores close last, after the others finished writing.
    stores = await createStores(settings);
    app.use(stores);
    service = await createServices(settings, stores);
    // The chat's fan-out across processes (Redis only): closed before the store it publishes on.
    if (service.pubsub) app.use(service.pubsub);
    // Records every response from app hooks (wherever it sits in the chain) and serves its
    // dashboard; on close it waits for the recordings in flight, before the stores close.
    app.use(service.telemetry);
    app.use(compress());
    app.use(
      shield({
        useNonce: true,
        // The demo is served over plain HTTP (localhost, a LAN address): upgrading its
        // requests to HTTPS would break it. Behind TLS in production, keep the default.
        contentSecurityPolicy: settings.development
          ? { directives: { "upgrade-insecure-requests": false } }
          : undefined,
      }),
    );
    app.use(provideServices(service));
    const worker = settings.workerId;
    if (worker !== undefined) app.addHook("onSend", (_req, res) => void res.headers.set("x-worker", worker));
    // Serve once other workers' chat messages can arrive (if Redis drops meanwhile, the fan-out
    // subscribes when it is back: do not wait for that).
    if (service.pubsub) await readyWithin(service.pubsub.ready, PUBSUB_READY_WAIT_MS);
  });

  preset.on("configure.router", (app) => {
    app.use(service!.engine);
  });

  preset.on("configure.routes", async (app) => {
    app.use(await fileRoutes({ dir: path.join(import.meta.dir, "http") }));
    app.routes(booksApi());
    registerChat(app, service!);
    // The OpenAPI document of every route above (schemas and detail) at /openapi.json, and its
    // reference page (Swagger UI, served from the package: no CDN, shield's CSP) at /docs.
    app.use(
      openapi({
        info: { title: "Harpia demo", version: "1.0.0", description: "The demo's JSON API." },
        tags: [{ name: "books", description: "The shared library: every worker sees the same books." }],
        // The JSON API only: HTML pages, forms and probes are not part of it.
        include: (route) => route.path.startsWith("/api/"),
      }),
    );
  });

  preset.on("configure.errorHandlers", (_app, config, { addErrorHandler }) => {
    addErrorHandler(htmlErrorPages(() => config.dumpExceptions));
    addErrorHandler(jsonApiErrors(() => config.dumpExceptions));
  });

  if (!settings.listen) preset.on("start", () => false);

  const created: PresetApp = await preset.createApp({
    development: settings.development,
    logger: settings.accessLog ? { format: "combined" } : false,
    static: [
      { route: "/", path: path.join(DEMO_ROOT, "public") },
      { route: "/favicon.ico", path: path.join(DEMO_ROOT, "public", "favicon.ico"), file: true },
      // Saved names are random and never reused: cache them for good.
      { route: "/avatars", path: settings.uploadDir, options: { maxAge: "1y", immutable: true } },
    ],
    bodyParser: { urlencoded: FORM_PATHS },
    cookieParser: { secret: settings.cookieSecret },
    session: {
      ttl: 8 * 60 * 60 * 1000,
      provider: ({ ttlSeconds }) =>
        session({ store: stores!.sessions, ttl: ttlSeconds, cookieName: "harpia_demo_sid" }),
    },
    // /healthz and /readyz (@harpia/health); with Redis, ready only while Redis answers.
    health: settings.redisUrl === undefined ? {} : { checks: { redis: () => stores!.redis!.ping() } },
    server: {
      port: settings.port,
      hostname: settings.hostname,
      reusePort: settings.reusePort,
      shutdownOnSignals: settings.shutdownOnSignals,
    },
  });
  return {
    app: created.app,
    url: created.url,
    services: service!,
    close: created.close,
  };
}
