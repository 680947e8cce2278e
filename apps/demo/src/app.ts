import path from "node:path";
import { compress, type Harpia } from "@harpia/core";
import { fileRoutes } from "@harpia/file-router";
import { Preset, type PresetApp } from "@harpia/preset";
import { Session } from "@harpia/session";
import { shield } from "@harpia/shield";
import { registerChat } from "./chat";
import { provideServices } from "./context";
import { htmlErrorPages, jsonApiErrors } from "./error-pages";
import { createServices, type DemoServices } from "./services";
import { DEMO_ROOT, type DemoOptions, resolveSettings } from "./settings";

/** Paths where HTML forms post `application/x-www-form-urlencoded` (all CSRF-protected). */
const FORM_PATHS = ["/signup", "/login", "/logout", "/notes", "/account"];

/** A running (or, with `listen: false`, fetch-only) demo. */
export interface Demo {
  /** The Harpia app: `app.fetch` works with or without a server. */
  readonly app: Harpia;
  /** Where it listens, when it does. */
  readonly url: URL | undefined;
  readonly services: DemoServices;
  /** Stops the server, waits for telemetry in flight and closes the stores. */
  stop(): Promise<void>;
}

/**
 * Builds the demo with `@harpia/preset`: every package of the monorepo plugged into the
 * preset's steps. Stores are in memory unless `redisUrl` is given.
 *
 * @example
 * const demo = await createDemo({ port: 0, hostname: "127.0.0.1", accessLog: false });
 * console.log(`listening on ${demo.url}`);
 * await demo.stop();
 */
export async function createDemo(options: DemoOptions = {}): Promise<Demo> {
  const settings = resolveSettings(options);
  const service = await createServices(settings);
  const preset = new Preset();

  preset.on("init", (app) => {
    // First: telemetry times the whole chain, compression wraps every response below it.
    app.use(service.telemetry.middleware());
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
    if (service.pubsub) app.use(service.pubsub);
    const worker = settings.workerId;
    if (worker !== undefined) app.addHook("onSend", (_req, res) => void res.headers.set("x-worker", worker));
  });

  preset.on("configure.router", (app) => {
    app.use(provideServices(service));
    service.engine.configure(app).registerPlugin("bunVersion", () => Bun.version);
  });

  preset.on("configure.routes", async (app) => {
    await fileRoutes(app, { dir: path.join(import.meta.dir, "http") });
    registerChat(app, service);
    app.get(
      "/admin/telemetry",
      service.telemetry.dashboard({ title: "Harpia demo · telemetry", slowThreshold: 200 }),
    );
  });

  preset.on("configure.errorHandlers", (_app, config, { addErrorHandler }) => {
    addErrorHandler(htmlErrorPages(() => config.dumpExceptions));
    addErrorHandler(jsonApiErrors(() => config.dumpExceptions));
  });

  if (!settings.listen) preset.on("start", () => false);

  let created: PresetApp;
  try {
    created = await preset.createApp({
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
          new Session({
            store: service.stores.sessions,
            ttl: ttlSeconds,
            cookieName: "harpia_demo_sid",
          }).middleware(),
      },
      server: { port: settings.port, hostname: settings.hostname, reusePort: settings.reusePort },
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  return {
    app: created.app,
    url: created.url,
    services: service,
    async stop() {
      await created.stop();
      await service.close();
    },
  };
}
