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
import type { Cache, Handler, Harpia, HarpiaRequest, HarpiaResponse, Middleware } from "@harpia/core";
import type { FileMiddleware } from "@harpia/file-router";
import type { Preset } from "@harpia/preset";
import type { Session } from "@harpia/session";
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
  const session: Session;
  const telemetry: Telemetry;
  const redisStore: RedisStore;
  const cache: Cache;
  const preset: Preset;
  const config: Parameters<Preset["createApp"]>[0];
  const booksRouter: ReturnType<typeof import("@harpia/core").Router>;
  const baseDir: string;

  // Your application's own code.
  const user: { id: string; name: string };
  const id: string;
  const token: string;
  const callerIp: string;
  const db: {
    find(id: string): Promise<Record<string, unknown> | undefined>;
    product(id: string): Promise<Record<string, unknown>>;
  };
  const metrics: { observe(status: number): void };
  const myLog: { info(line: string): void };
  const mailer: { send(content: string): Promise<void> };
  function warmCaches(): Promise<void>;
  class BookNotFound extends Error {}
}
