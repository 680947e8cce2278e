import path from "node:path";

/** The demo's folder (`apps/demo`), so paths never depend on the working directory. */
export const DEMO_ROOT = path.resolve(import.meta.dir, "..");

/**
 * The development token of the telemetry dashboard (`/admin/telemetry?token=...`). Used only
 * when `TELEMETRY_TOKEN` is unset outside production; a production start without a token fails.
 */
export const DEVELOPMENT_TELEMETRY_TOKEN = "harpia-demo-telemetry";

/** How the demo is built and served. Every field is optional; {@link resolveSettings} fills in the rest. */
export interface DemoOptions {
  /** Detailed error pages, templates re-read on change. Default: `NODE_ENV !== "production"`. */
  development?: boolean;
  /** Start a server (default `true`); `false` builds the app for `app.fetch` and the test client only. */
  listen?: boolean;
  /** Port (default 3000; `0` picks a free one). */
  port?: number;
  /** Interface to bind (default `0.0.0.0`). */
  hostname?: string;
  /** Let several processes share the port (the cluster's workers). */
  reusePort?: boolean;
  /** A Redis URL: every store (sessions, CSRF, cache, telemetry, users) moves to Redis, and chat fans out. */
  redisUrl?: string;
  /** Key prefix in Redis (default `harpia-demo:`), and the chat's pub/sub channel. */
  redisPrefix?: string;
  /**
   * The name of the demo's Redis connections in `CLIENT LIST` (default `harpia-demo:<pid>`, with
   * the worker's id in a cluster: `harpia-demo:w1:<pid>`); the fan-out's subscriber adds `:sub`.
   */
  redisConnectionName?: string;
  /** Where profile pictures are saved (default `apps/demo/uploads`). */
  uploadDir?: string;
  /** Token of the telemetry dashboard (default: {@link DEVELOPMENT_TELEMETRY_TOKEN} in development). */
  telemetryToken?: string;
  /**
   * Bearer token of the Prometheus metrics at `/metrics` (16 characters or more). Default none:
   * no metrics are served.
   */
  metricsToken?: string;
  /**
   * The app's `cookieSecret`, also the key of signed CSRF tokens (16 characters or more). Every
   * process of a cluster needs the same one. Default: none; CSRF then keeps a random secret in
   * the sessions store (shared through Redis).
   */
  cookieSecret?: string;
  /** The worker's id in a cluster: sent as `x-worker` on every response and in the chat's welcome. */
  workerId?: string;
  /** The Apache `combined` access log on stdout (default `true`). */
  accessLog?: boolean;
  /**
   * Close the app gracefully on SIGTERM and SIGINT (`app.close()`: stop accepting, let requests
   * in flight finish, close WebSockets with 1001, then the stores), after which the process ends
   * by itself. Default `false`: `main.ts` turns it on; apps built inside tests leave the signals alone.
   */
  shutdownOnSignals?: boolean;
  /** Failed logins allowed per client IP and window (default 20 per 15 minutes). */
  loginLimit?: AttemptLimit;
  /** Sign-ups allowed per client IP and window (default 10 per hour). */
  signupLimit?: AttemptLimit;
}

/** At most `max` attempts per client IP per `windowSeconds` (a sliding window of `@harpia/rate-limit`). */
export interface AttemptLimit {
  max: number;
  windowSeconds: number;
}

/** {@link DemoOptions} with every default applied. */
export interface DemoSettings {
  development: boolean;
  listen: boolean;
  port: number;
  hostname: string;
  reusePort: boolean;
  redisUrl: string | undefined;
  redisPrefix: string;
  redisConnectionName: string;
  uploadDir: string;
  telemetryToken: string;
  metricsToken: string | undefined;
  cookieSecret: string | undefined;
  workerId: string | undefined;
  accessLog: boolean;
  shutdownOnSignals: boolean;
  loginLimit: AttemptLimit;
  signupLimit: AttemptLimit;
}

/** Fills in defaults and refuses settings that would make an unsafe or broken app. */
export function resolveSettings(options: DemoOptions = {}): DemoSettings {
  const development = options.development ?? process.env.NODE_ENV !== "production";
  const telemetryToken = options.telemetryToken ?? (development ? DEVELOPMENT_TELEMETRY_TOKEN : undefined);
  if (telemetryToken === undefined || telemetryToken.length < 16) {
    throw new Error(
      "TELEMETRY_TOKEN must be set (16 characters or more) outside development: it guards /admin/telemetry",
    );
  }
  const metricsToken = options.metricsToken || undefined;
  if (metricsToken !== undefined && !/^[A-Za-z0-9._~+/-]{16,}=*$/.test(metricsToken))
    throw new Error(
      "METRICS_TOKEN must be 16 characters or more of A-Z a-z 0-9 - . _ ~ + / (a bearer token): it guards /metrics",
    );
  const cookieSecret = options.cookieSecret || undefined;
  if (cookieSecret !== undefined && cookieSecret.length < 16)
    throw new Error("COOKIE_SECRET must be 16 characters or more: it signs cookies and CSRF tokens");
  const port = options.port ?? 3000;
  const redisConnectionName =
    options.redisConnectionName ??
    `harpia-demo:${options.workerId === undefined ? "" : `w${options.workerId}:`}${process.pid}`;
  // Redis refuses names with spaces or newlines (CLIENT SETNAME): say so before connecting.
  if (!/^[\x21-\x7e]{1,128}$/.test(redisConnectionName))
    throw new Error(`Invalid Redis connection name: ${JSON.stringify(redisConnectionName)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Invalid port: ${port}`);
  return {
    development,
    listen: options.listen ?? true,
    port,
    hostname: options.hostname ?? "0.0.0.0",
    reusePort: options.reusePort ?? false,
    redisUrl: options.redisUrl || undefined,
    redisPrefix: options.redisPrefix ?? "harpia-demo:",
    redisConnectionName,
    uploadDir: path.resolve(options.uploadDir ?? path.join(DEMO_ROOT, "uploads")),
    telemetryToken,
    metricsToken,
    cookieSecret,
    workerId: options.workerId,
    accessLog: options.accessLog ?? true,
    shutdownOnSignals: options.shutdownOnSignals ?? false,
    loginLimit: options.loginLimit ?? { max: 20, windowSeconds: 15 * 60 },
    signupLimit: options.signupLimit ?? { max: 10, windowSeconds: 60 * 60 },
  };
}

/** Reads {@link DemoOptions} from environment variables (see the demo's README). */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): DemoOptions {
  const flag = (value: string | undefined) =>
    value === undefined ? undefined : !["0", "false", "off", "no", ""].includes(value.toLowerCase());
  return {
    port: env.PORT === undefined ? undefined : Number(env.PORT),
    hostname: env.HOST,
    reusePort: flag(env.REUSE_PORT),
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    uploadDir: env.UPLOAD_DIR,
    telemetryToken: env.TELEMETRY_TOKEN,
    metricsToken: env.METRICS_TOKEN,
    cookieSecret: env.COOKIE_SECRET,
    workerId: env.WORKER_ID,
    accessLog: flag(env.ACCESS_LOG),
  };
}
