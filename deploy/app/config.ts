import { hostname as machineName } from "node:os";
import type { TrustProxy } from "@harpia/core";
import type { Duration } from "@harpia/rate-limit";
import type { RedisConnection } from "@harpia/store-redis";

/** Everything the deployed app reads from its environment (see {@link configFromEnv}). */
export interface DeployConfig {
  /** `PORT` (default 3000). */
  port: number;
  /** `HOST`: the interface to bind (default `127.0.0.1`: only nginx on this machine reaches it). */
  hostname: string;
  /** `REUSE_PORT=1`: several processes of this machine share `PORT` (the kernel balances them). */
  reusePort: boolean;
  /** `INSTANCE_ID`: sent as `x-instance` on every response (default `<machine>:<port>`). */
  instanceId: string;
  /** `REDIS_CLUSTER` (`host:port,host:port`: a Redis Cluster) or `REDIS_URL` (one node). */
  redis: RedisConnection;
  /** A readable form of {@link redis}, for logs. */
  redisLabel: string;
  /** `REDIS_PREFIX` (default `harpia-deploy:`): every key, and the fan-out's channel. */
  redisPrefix: string;
  /** `TRUST_PROXY`: a number of proxies (`1`) or their addresses (`10.0.0.5,10.0.1.0/24`). Default `loopback`. */
  trustProxy: TrustProxy;
  /** `COOKIE_SECRET`: signs CSRF tokens; the same on every instance (16+ characters). */
  cookieSecret: string;
  /** `API_LIMIT` / `API_WINDOW`: requests per client and window on `/api/*` (default 60 per `1m`). */
  apiLimit: number;
  /** Checked by `rateLimit()` when the app is built (a `TypeError` naming `window`). */
  apiWindow: Duration;
  /** `ADMIN_IPS`: addresses allowed to read `/admin/stats` (default loopback). */
  adminIps: string[];
  /** `TELEMETRY_TOKEN`: also required by `/admin/stats` when set (8+ characters). */
  telemetryToken: string | undefined;
  /**
   * `DRAIN_MS` (default 3000): after SIGTERM, how long the instance keeps serving while it turns
   * the balancer away (core's `app.close({ drain })`) before it closes. `0`: close at once.
   */
  drainMs: number;
  /** `SHUTDOWN_TIMEOUT_MS` (default 10000): the longest in-flight requests get once closing. */
  shutdownTimeoutMs: number;
  /** `STARTUP_TIMEOUT_MS` (default 30000): how long to wait for Redis before giving up (exit 1). */
  startupTimeoutMs: number;
}

/** A setting that cannot be used: the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function list(raw: string): string[] {
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** `host:port,host:port` → cluster startup nodes. */
function clusterNodes(raw: string): { host: string; port: number }[] {
  const nodes = list(raw).map((entry) => {
    const at = entry.lastIndexOf(":");
    const port = Number(entry.slice(at + 1));
    const host = entry.slice(0, at).replace(/^\[(.*)\]$/, "$1");
    if (at <= 0 || host === "" || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new ConfigError(`REDIS_CLUSTER: "${entry}" is not host:port`);
    return { host, port };
  });
  if (nodes.length === 0) throw new ConfigError("REDIS_CLUSTER names no node (host:port,host:port)");
  return nodes;
}

function trustProxyFrom(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === "") return "loopback";
  if (/^\d+$/.test(raw)) return Number(raw);
  if (raw === "false" || raw === "none") return false;
  return list(raw);
}

/**
 * Reads the app's settings from the environment and refuses unusable ones with a
 * {@link ConfigError} naming the variable.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DeployConfig {
  const port = integer(env, "PORT", 3000, 0, 65535);
  const production = env.NODE_ENV === "production";

  let redis: RedisConnection;
  let redisLabel: string;
  if (env.REDIS_CLUSTER) {
    const nodes = clusterNodes(env.REDIS_CLUSTER);
    redis = { cluster: nodes };
    redisLabel = `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(",")}`;
  } else {
    const url = env.REDIS_URL || "redis://127.0.0.1:6379";
    if (!/^rediss?:\/\//.test(url)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL`);
    redis = { url };
    redisLabel = url.replace(/\/\/[^@/]*@/, "//***@");
  }

  const cookieSecret = env.COOKIE_SECRET ?? (production ? "" : "harpia-deploy-development-secret");
  if (cookieSecret.length < 16)
    throw new ConfigError(
      "COOKIE_SECRET must be set (16 characters or more), and the same on every instance: it signs CSRF tokens",
    );

  const telemetryToken = env.TELEMETRY_TOKEN || undefined;
  if (telemetryToken !== undefined && telemetryToken.length < 8)
    throw new ConfigError("TELEMETRY_TOKEN must be 8 characters or more");

  return {
    port,
    hostname: env.HOST || "127.0.0.1",
    reusePort: env.REUSE_PORT === "1" || env.REUSE_PORT === "true",
    instanceId: env.INSTANCE_ID || `${machineName()}:${port}`,
    redis,
    redisLabel,
    redisPrefix: env.REDIS_PREFIX || "harpia-deploy:",
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    cookieSecret,
    apiLimit: integer(env, "API_LIMIT", 60, 1, 1_000_000_000),
    apiWindow: (env.API_WINDOW || "1m") as Duration,
    adminIps: list(env.ADMIN_IPS || "127.0.0.1,::1"),
    telemetryToken,
    drainMs: integer(env, "DRAIN_MS", 3000, 0, 120_000),
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 1, 600_000),
    startupTimeoutMs: integer(env, "STARTUP_TIMEOUT_MS", 30_000, 1, 600_000),
  };
}
