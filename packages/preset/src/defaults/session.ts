import { isPlugin } from "@harpia/core";
import type { ResolvedSessionConfig, SessionMiddleware, SessionSettings } from "../config";

/** The settings a session provider receives: the session config minus the provider, ttl filled in. */
export function sessionSettings(config: ResolvedSessionConfig): SessionSettings {
  const { provider: _provider, ...rest } = config;
  return { ...rest, ttl: config.ttl, ttlSeconds: Math.max(1, Math.round(config.ttl / 1000)) };
}

/**
 * What `configure.session` installs with `app.use`: the provider itself when it is a plugin,
 * else what it makes from the settings (a plugin or a middleware), checked.
 */
export async function sessionMiddleware(config: ResolvedSessionConfig): Promise<SessionMiddleware> {
  const provider = config.provider as unknown;
  if (isPlugin(provider)) return provider;
  const settings = sessionSettings(config);
  let produced: unknown;
  if (typeof provider === "function") {
    produced = await (provider as (s: SessionSettings) => unknown)(settings);
  } else if (
    provider !== null &&
    typeof provider === "object" &&
    typeof (provider as { middleware?: unknown }).middleware === "function"
  ) {
    produced = (provider as { middleware(s: SessionSettings): unknown }).middleware(settings);
  } else {
    throw new TypeError(
      "config.session.provider must be a plugin, a function (settings) => plugin | middleware, " +
        "or an object with middleware(settings) (e.g. a Session of @harpia/session)",
    );
  }
  if (!isPlugin(produced) && typeof produced !== "function") {
    throw new TypeError("config.session.provider gave neither a plugin nor a middleware function");
  }
  return produced as SessionMiddleware;
}
