import { isPlugin } from "@harpia/core";
import type { ResolvedSessionConfig, SessionMiddleware, SessionSettings } from "../config";

/** The settings a session provider receives: the session config minus the provider, ttl filled in. */
export function sessionSettings(config: ResolvedSessionConfig): SessionSettings {
  const { provider: _provider, ...rest } = config;
  return { ...rest, ttl: config.ttl, ttlSeconds: Math.max(1, Math.round(config.ttl / 1000)) };
}

/** Asks the configured provider for its middleware (or plugin) and checks what it gave. */
export async function sessionMiddleware(config: ResolvedSessionConfig): Promise<SessionMiddleware> {
  const provider = config.provider as unknown;
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
      "config.session.provider must be an object with middleware() (e.g. a Session of @harpia/session) " +
        "or a function (settings) => middleware",
    );
  }
  if (typeof produced !== "function" && !isPlugin(produced)) {
    throw new TypeError("config.session.provider gave no middleware: expected a function or a plugin");
  }
  return produced as SessionMiddleware;
}
