/**
 * What README fragments may take as given (see CONTRIBUTING.md, "README examples are tests").
 * A ```ts block that does not define one of these names gets it from here; a block that defines
 * it (`const app = harpia()`) shadows it. `run` blocks must be complete: these exist only for
 * the type-check, not at run time.
 *
 * Keep it to what a reader would assume from the surrounding text: the app being built, a
 * handler or middleware, the current request and response, and the objects earlier blocks of
 * the same README created.
 */
import type { Handler, Harpia, HarpiaRequest, HarpiaResponse, Middleware } from "@harpia/core";
import type { FileMiddleware } from "@harpia/file-router";
import type { Preset } from "@harpia/preset";
import type { RedisStore } from "@harpia/store-redis";
import type { Telemetry } from "@harpia/telemetry";
import type { TemplateEngine } from "@harpia/template-engine";

declare global {
  // The app and what a route is given.
  const app: Harpia;
  const req: HarpiaRequest;
  const res: HarpiaResponse;
  const handler: Handler;
  const authenticate: Middleware;
  const common: FileMiddleware;
  const authorized: FileMiddleware;

  // Objects earlier blocks of a README created.
  const engine: TemplateEngine;
  /** `const stats = telemetry({ ... })`, the plugin and its reading API. */
  const stats: Telemetry;
  const redisStore: RedisStore;
  const preset: Preset;

  // Your application's own code.
  const user: { id: string; name: string };
  const id: string;
  const token: string;
  const callerIp: string;
  const db: {
    find(id: string): Promise<Record<string, unknown> | undefined>;
    product(id: string): Promise<Record<string, unknown>>;
  };
  const myLog: { info(line: string): void };
  const mailer: { send(content: string): Promise<void> };
  function warmCaches(): Promise<void>;
  class BookNotFound extends Error {}
}
