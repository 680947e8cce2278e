import harpia, { type CloseOptions, type Harpia, HttpError, Router } from "@harpia/core";
import { rateLimit } from "@harpia/rate-limit";
import { csrf, session } from "@harpia/session";
import { type RedisPubSub, RedisStore, redisPubSub } from "@harpia/store-redis";
import { type Telemetry, telemetry } from "@harpia/telemetry";
import { registerChat } from "./chat";
import type { DeployConfig } from "./config";

declare module "@harpia/session" {
  interface SessionFields {
    user: string;
  }
}

/** The app and the parts `main.ts` and tests reach for. */
export interface DeployApp {
  app: Harpia;
  store: RedisStore;
  fanOut: RedisPubSub;
  stats: Telemetry;
}

/** Paths served while the instance drains: the liveness probe must keep answering 200. */
export const KEEP_SERVING = ["/livez"] as const;

/**
 * How the instance closes on SIGTERM (`listen({ shutdownOnSignals, shutdownDrain, ... })`, or
 * `app.close(shutdownOptions(config))`): core drains for `DRAIN_MS` (GET/HEAD/OPTIONS answered
 * 503 for nginx to resend elsewhere, POSTs served, `Connection: close` on everything), then stops
 * the server, lets in-flight requests finish for at most `SHUTDOWN_TIMEOUT_MS`, closes
 * WebSockets with 1001 and the stores.
 */
export function shutdownOptions(config: DeployConfig): CloseOptions {
  return {
    drain: { duration: config.drainMs, keepServing: KEEP_SERVING },
    timeout: config.shutdownTimeoutMs,
  };
}

const USERNAME = /^[A-Za-z0-9_.-]{1,32}$/;

/** Seconds a user's click counter lives after its first click. */
const CLICKS_TTL = 24 * 60 * 60;

/** Paths telemetry leaves out: probes and the stats route itself. */
const UNRECORDED = ["/readyz", "/livez", "/admin/*"];

/**
 * The example app: sign-in sessions, a chat over WebSockets fanned out through Redis, a
 * rate-limited API, a counter and telemetry, every piece of state in Redis so any instance
 * answers any request.
 */
export function createApp(config: DeployConfig): DeployApp {
  const app = harpia({ trustProxy: config.trustProxy, cookieSecret: config.cookieSecret });
  const store = new RedisStore(config.redis, { prefix: config.redisPrefix });
  app.use(store); // first: closed last, after everything that uses it

  // Every response says which instance answered it (the balancer's work is visible).
  app.addHook("onSend", (_req, res) => {
    res.headers.set("x-instance", config.instanceId);
  });

  const stats = telemetry({
    store,
    ignore: UNRECORDED,
    allowedIps: config.adminIps,
    accessToken: config.telemetryToken,
  });
  app.use(stats);
  app.use(session({ store, cookieName: "sid", ttl: 8 * 60 * 60 }));
  app.use(csrf({ store }));
  const fanOut = redisPubSub({ store, channel: `${config.redisPrefix}ws` });
  app.use(fanOut);
  // Ready once messages from the other instances can arrive.
  let subscribed = false;
  void fanOut.ready.then(() => {
    subscribed = true;
  });

  // Probes: liveness (the process answers) and readiness (send me traffic).
  app.get("/livez", (_req, res) => res.header("cache-control", "no-store").json({ status: "live" }));
  app.get("/readyz", (_req, res) => {
    res.header("cache-control", "no-store");
    // `app.closing` is true from SIGTERM on, drain included.
    const ready = subscribed && !app.closing;
    return res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : subscribed ? "draining" : "starting",
      instance: config.instanceId,
      pid: process.pid,
    });
  });

  app.get("/", (_req, res) => res.text(`Harpia behind a load balancer, answered by ${config.instanceId}\n`));

  // Who the app believes the client is (trustProxy at work).
  app.get("/whoami", (req) => ({ ip: req.ip, protocol: req.protocol, instance: config.instanceId }));

  // Sessions: the CSRF token for the next unsafe request, sign-in, sign-out.
  app.get("/session", (req, res) => ({
    user: req.session.user ?? null,
    csrfToken: res.locals.csrfToken,
    instance: config.instanceId,
  }));
  app.post("/login", async (req) => {
    const username = (req.body as { username?: unknown } | undefined)?.username;
    if (typeof username !== "string" || !USERNAME.test(username))
      throw new HttpError(422, "username: 1 to 32 letters, digits, '_', '.' or '-'", {
        code: "INVALID_USERNAME",
      });
    await req.session.regenerate(); // a new id at sign-in: no session fixation
    req.session.user = username;
    return { user: username, instance: config.instanceId };
  });
  app.post("/logout", async (req) => {
    await req.session.destroy();
    return { user: null };
  });

  // A non-idempotent write: each accepted POST adds exactly one (the rolling-restart test
  // compares the total with the 200s its clients saw: no retry may apply one twice).
  const signedIn = (user: string | undefined): string => {
    if (user === undefined) throw new HttpError(401, "Sign in first", { code: "SIGNED_OUT" });
    return user;
  };
  app.post("/clicks", async (req) => {
    const user = signedIn(req.session.user);
    const clicks = await store.increment(`clicks:${user}`, 1, CLICKS_TTL);
    return { clicks, instance: config.instanceId };
  });
  app.get("/clicks", async (req) => {
    const user = signedIn(req.session.user);
    return { clicks: Number((await store.get<number>(`clicks:${user}`)) ?? 0) };
  });

  // The rate-limited API: one budget per client address, exact across instances.
  const api = Router("api");
  api.use(rateLimit({ limit: config.apiLimit, window: config.apiWindow, name: "api", store }));
  api.get("/report", () => ({ report: "expensive work", instance: config.instanceId }));
  app.routes(api);

  // Telemetry totals for operators (loopback / ADMIN_IPS, and TELEMETRY_TOKEN when set).
  app.get("/admin/stats", async (req) => {
    const access = { token: req.header("x-telemetry-token") ?? undefined, callerIp: req.ip };
    const path = typeof req.query.path === "string" ? req.query.path : undefined;
    return {
      summary: await stats.summary(access),
      page: path === undefined ? undefined : await stats.getPageByPath({ ...access, path }),
    };
  });

  registerChat(app, config.instanceId);
  return { app, store, fanOut, stats };
}
