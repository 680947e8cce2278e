import type {
  HarpiaOptions,
  LoggerOptions,
  Middleware,
  Plugin,
  ServerOptions,
  StaticOptions,
  TrustProxy,
  WebSocketOptions,
} from "@harpia/core";
import type { HstsOptions } from "@harpia/core/utils";
import type { HealthOptions } from "@harpia/health";
import type { TLSOptions } from "bun";

export type { HstsOptions };

/** One static mount of `config.static`. */
export interface StaticEntry {
  /** URL path served (`"/assets"`, or the exact URL of a single file with `file: true`). */
  route: string;
  /** Folder on disk (or the file, with `file: true`), relative to the working directory. */
  path: string;
  /** `path` is one file served at exactly `route` (e.g. `/favicon.ico`). */
  file?: boolean;
  /** Send `Access-Control-Allow-Origin: *` with these files (fonts, images for other origins). */
  cors?: boolean;
  /** More options of core's static mounts for a folder (`maxAge`, `immutable`, `index`, `extensions`...). */
  options?: Omit<StaticOptions, "prefix" | "fallthrough">;
}

/** Where and how the app is served (`config.server`). */
export interface PresetServerConfig {
  /** Port of the main server: HTTPS with `tls`, else HTTP (default `PORT`, else 443 with TLS and 3000 without; `0` picks one). */
  port?: number;
  /** Interface to bind (default `0.0.0.0`). */
  hostname?: string;
  /** Certificate and key: the app is served over HTTPS, and plain HTTP redirects to it. */
  tls?: TLSOptions | TLSOptions[];
  /** With `tls`: port of the plain-HTTP redirect server (default 80); `false` for none. */
  httpPort?: number | false;
  /**
   * With `tls`: where redirects point, e.g. `"https://example.com"` (needed behind a proxy that
   * changes the port). Default: the request's host and the HTTPS server's port.
   */
  publicUrl?: string;
  /**
   * With `tls`: the HSTS header on HTTPS responses (core's `hstsHeader`: `maxAge` 180 days,
   * `includeSubDomains`, no `preload` by default); `false` sends none.
   */
  hsts?: HstsOptions | false;
  /** `Retry-After` (seconds) of the 503 answered before `ready` (default 5). */
  retryAfter?: number;
  /** Let several processes share the port. */
  reusePort?: boolean;
  /** Seconds an idle connection stays open. */
  idleTimeout?: number;
  /** Largest request body Bun accepts at all, in bytes. */
  maxRequestBodySize?: number;
  /** WebSocket settings for `app.ws` routes (`maxPayloadLength`, `idleTimeout`, ...), as core's `listen({ ws })`. */
  ws?: WebSocketOptions;
  /**
   * Close the app gracefully (`app.close()`: stop accepting, drain, WebSockets closed with
   * 1001, `onClose` hooks) on SIGTERM and SIGINT (`true`) or the signals listed, as core's
   * `listen({ shutdownOnSignals })`; the process then ends by itself.
   */
  shutdownOnSignals?: ServerOptions["shutdownOnSignals"];
  /** With `shutdownOnSignals`: milliseconds in-flight requests get to finish (default 10,000). */
  shutdownTimeout?: number;
}

/** `config.bodyParser`. */
export interface BodyParserConfig {
  /** Default largest body per route (default `"100kb"`); routes raise or lower it with `{ bodyLimit }`. */
  limit?: number | string;
  /**
   * Accept `application/x-www-form-urlencoded` bodies: `false` (default, a CSRF precaution:
   * such requests are answered 415), `true` everywhere, or a list of path prefixes
   * (`["/login", "/forms"]`, whole segments) where HTML forms post.
   */
  urlencoded?: boolean | string[];
}

/** `config.cookieParser`. */
export interface CookieParserConfig {
  /** Secret(s) for signed cookies (default: `config.session.secret`); the first signs, all verify. */
  secret?: string | string[];
}

/** What a session provider is given: the session config with its defaults filled in. */
export interface SessionSettings {
  /** Session lifetime in milliseconds (default 30 minutes). */
  ttl: number;
  /** The same lifetime in whole seconds (what `@harpia/session` and stores take). */
  ttlSeconds: number;
  /** The session secret, when configured. */
  secret?: string | string[];
  /** Any other key of `config.session`. */
  [key: string]: unknown;
}

/** What a session provider yields: a plugin (preferred) or a middleware, given to `app.use`. */
export type SessionMiddleware = Plugin | Middleware;

/**
 * Where sessions come from, structurally (the preset depends on no session package):
 * - a plugin, installed as it is (`provider: sessionPlugin`; it keeps its own settings), or
 * - a factory `(settings) => plugin | middleware` (may be async), which gets the preset's
 *   `ttl`/`ttlSeconds` and secret, e.g.
 *   `({ ttlSeconds }) => new Session({ store, ttl: ttlSeconds }).middleware()`, or
 * - an object with `middleware(settings)` (a `Session` of `@harpia/session` fits: `provider: session`).
 */
export type SessionProvider =
  | Plugin
  | ((settings: SessionSettings) => SessionMiddleware | Promise<SessionMiddleware>)
  | { middleware(settings: SessionSettings): SessionMiddleware };

/**
 * `config.health`: the probes of `@harpia/health` (`live`, `ready`, `checks`, `timeout`). The
 * preset marks the app ready in its `ready` step, so `readyOnListen` is not an option here.
 */
export type PresetHealthConfig = Omit<HealthOptions, "readyOnListen">;

/** `config.session`: sessions are installed when it is set. */
export interface SessionConfig {
  /** Where sessions come from (see {@link SessionProvider}). */
  provider: SessionProvider;
  /** Lifetime in milliseconds (default 30 minutes), for the provider. */
  ttl?: number;
  /** Secret for signed cookies when `cookieParser.secret` is not set. */
  secret?: string | string[];
  /** Anything else your provider reads. */
  [key: string]: unknown;
}

/** The configuration of {@link createApp}. Every key is optional. */
export interface PresetConfig {
  /** Development mode (core's: detailed error pages). Default `false`. */
  development?: boolean;
  /** Stack traces in error responses (default: `development`). */
  dumpExceptions?: boolean;
  /** Believe `X-Forwarded-For` for `req.ip` (core's `trustProxy`). */
  trustProxy?: TrustProxy;
  /**
   * Core's method override. Default: on when urlencoded bodies are accepted, off otherwise
   * (a cross-site form must not become a DELETE).
   */
  methodOverride?: HarpiaOptions["methodOverride"];
  /** Where unexpected errors are reported (core's `logErrors`). */
  logErrors?: HarpiaOptions["logErrors"];
  /** Other options of `harpia()`, applied last. */
  app?: HarpiaOptions;
  /** The servers (see {@link PresetServerConfig}). */
  server?: PresetServerConfig;
  /** The access log: core logger options (format `"combined"` by default), or `false` for none. */
  logger?: LoggerOptions | false;
  /** Static mounts; a later entry wins over an earlier one for the same URL, a miss falls through. */
  static?: StaticEntry[];
  /** The body parser (see {@link BodyParserConfig}). */
  bodyParser?: BodyParserConfig;
  /** Signed cookies (see {@link CookieParserConfig}). */
  cookieParser?: CookieParserConfig;
  /** Sessions, installed when set (see {@link SessionConfig}). */
  session?: SessionConfig;
  /**
   * Liveness and readiness probes (`/healthz`, `/readyz` of `@harpia/health`), installed by
   * default and marked ready in the `ready` step; options, or `false` for none.
   */
  health?: PresetHealthConfig | false;
}

/** A session config with its defaults applied. */
export type ResolvedSessionConfig = SessionConfig & { ttl: number };

/** The configuration listeners receive: yours, with every default filled in. */
export type ResolvedConfig<C extends PresetConfig = PresetConfig> = Omit<
  C,
  | "server"
  | "static"
  | "bodyParser"
  | "cookieParser"
  | "session"
  | "logger"
  | "dumpExceptions"
  | "development"
  | "health"
> & {
  development: boolean;
  dumpExceptions: boolean;
  server: PresetServerConfig;
  logger: LoggerOptions | false;
  static: StaticEntry[];
  bodyParser: BodyParserConfig & { limit: number | string; urlencoded: boolean | string[] };
  cookieParser: CookieParserConfig;
  session: ResolvedSessionConfig | undefined;
  health: PresetHealthConfig | false;
};

/** Thirty minutes, the seed's session lifetime. */
export const DEFAULT_SESSION_TTL = 30 * 60 * 1000;

/**
 * Fills in defaults. The result is the preset's own copy (your object is never changed), so a
 * listener may adjust it for the steps after its own.
 */
export function resolveConfig<C extends PresetConfig>(config: C): ResolvedConfig<C> {
  if (config === null || typeof config !== "object") throw new TypeError("createApp(config) takes an object");
  const development = config.development ?? false;
  let session: ResolvedSessionConfig | undefined;
  if (config.session !== undefined) {
    const ttl = config.session.ttl ?? DEFAULT_SESSION_TTL;
    if (!Number.isFinite(ttl) || ttl <= 0)
      throw new RangeError(`config.session.ttl must be a positive number of milliseconds, got ${ttl}`);
    session = { ...config.session, ttl };
  }
  return {
    ...config,
    development,
    dumpExceptions: config.dumpExceptions ?? development,
    server: { ...config.server },
    logger: config.logger === false ? false : { format: "combined", ...config.logger },
    static: (config.static ?? []).map((entry) => ({ ...entry })),
    bodyParser: { limit: "100kb", urlencoded: false, ...config.bodyParser },
    cookieParser: { ...config.cookieParser },
    session,
    health: config.health === false ? false : { ...config.health },
  } as ResolvedConfig<C>;
}
