/**
 * @harpia/preset — a ready Harpia app assembled through named, cancellable steps (`init`,
 * `configure.*`, `start`, `ready`) with sensible defaults: access log, static files, no-cache
 * headers, a JSON body parser, signed cookies, sessions, error pages, TLS with an HTTP
 * redirect, health probes, 503 until ready and a graceful `close()`.
 */
export type {
  BodyParserConfig,
  CookieParserConfig,
  HstsOptions,
  PresetConfig,
  PresetHealthConfig,
  PresetServerConfig,
  ResolvedConfig,
  ResolvedSessionConfig,
  SessionConfig,
  SessionMiddleware,
  SessionProvider,
  SessionSettings,
  StaticEntry,
} from "./config";
export { DEFAULT_SESSION_TTL } from "./config";
export { NO_CACHE_HEADERS } from "./defaults/cache";
export {
  ErrorHandlerChain,
  type FinalErrorHandler,
  type PresetErrorHandler,
  unhandledErrorHandler,
} from "./error-handlers";
export { PresetStepError } from "./errors";
export { createApp, Preset, type PresetApp, type StepContext, type StepListener } from "./preset";
export type { PresetServers } from "./server/start";
export { parseSize } from "./size";
export { STEPS, type StepName } from "./steps";
