import path from "node:path";
import { fileRoutes } from "@harpia/file-router";
import { createApp, Preset, type PresetApp } from "@harpia/preset";
import { requestId } from "@harpia/request-id";
import { csrf, session } from "@harpia/session";
import { shield } from "@harpia/shield";
import { TemplateEngine } from "@harpia/template-engine";

/** How {@link createHarpiaApp} builds the app; every option has a default for `bun start`. */
export interface AppOptions {
  /**
   * Error details in responses, templates reloaded when they change, no CSP
   * `upgrade-insecure-requests` (served over plain HTTP). Default: `NODE_ENV=development`
   * (`bun run dev`).
   */
  development?: boolean;
  /** Port to listen on. Default: `PORT`, else 3000; `0` picks a free one. */
  port?: number;
  /** Interface to listen on. Default: `0.0.0.0`. */
  hostname?: string;
  /** `false` builds the app without a server (tests use `app.fetch`). Default: `true`. */
  listen?: boolean;
  /** The access log. Default: `true`. */
  logger?: boolean;
  /** SIGTERM and SIGINT close the app gracefully. Default: `false` (`src/server.ts` turns it on). */
  shutdownOnSignals?: boolean;
  /**
   * Signs cookies and CSRF tokens. Default: `COOKIE_SECRET`, else a random one per process
   * (enough for one process with sessions in memory; share one secret between processes).
   */
  cookieSecret?: string;
}

const VIEWS = path.join(import.meta.dir, "views");

/**
 * Builds the app with `@harpia/preset`: access log, no-cache headers, body limits, signed
 * cookies, error pages, health probes (`/healthz`, `/readyz`) and a graceful shutdown come
 * from the preset; each step below adds a package. Resolves once the app serves.
 */
export async function createHarpiaApp(options: AppOptions = {}): Promise<PresetApp> {
  const development = options.development ?? process.env.NODE_ENV === "development";
  const preset = new Preset();

  preset.on("init", (app) => {
    // First, so every later hook sees req.state.requestId; every response carries X-Request-Id.
    app.use(requestId());
    // Security headers on every response, with a fresh CSP nonce per request for inline
    // scripts and styles (templates print it with generateNonce()).
    app.use(
      shield({
        useNonce: true,
        contentSecurityPolicy: development
          ? { directives: { "upgrade-insecure-requests": false } }
          : undefined,
      }),
    );
  });

  preset.on("configure.router", (app) => {
    // Unsafe requests (POST, PUT, DELETE...) need the form's token: 403 without it.
    app.use(csrf());
    app.use(
      new TemplateEngine({
        path: { views: path.join(VIEWS, "pages"), layouts: path.join(VIEWS, "layouts") },
      }),
    );
  });

  preset.on("configure.routes", async (app) => {
    // Every file of src/http exports a route class (see src/http/home.ts).
    app.use(await fileRoutes({ dir: path.join(import.meta.dir, "http") }));
  });

  if (options.listen === false) preset.on("start", () => false);

  return createApp(
    {
      development,
      logger: options.logger === false ? false : undefined,
      // HTML forms post urlencoded bodies; everything else is refused with 415 (JSON is fine).
      bodyParser: { urlencoded: ["/login", "/logout"] },
      cookieParser: { secret: options.cookieSecret ?? process.env.COOKIE_SECRET ?? crypto.randomUUID() },
      session: {
        ttl: 8 * 60 * 60 * 1000, // 8 hours without activity
        // Sessions in memory (one process). For several, share a store:
        // session({ store: new RedisStore(), ttl: ttlSeconds }) with @harpia/store-redis.
        provider: ({ ttlSeconds }) => session({ ttl: ttlSeconds }),
      },
      server: {
        port: options.port,
        hostname: options.hostname,
        shutdownOnSignals: options.shutdownOnSignals,
      },
    },
    preset,
  );
}
