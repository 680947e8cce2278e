import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Cache, Upload } from "@harpia/core";
import { type RateLimiter, rateLimit } from "@harpia/rate-limit";
import { type CSRFPlugin, csrf } from "@harpia/session";
import { type RedisPubSub, redisPubSub } from "@harpia/store-redis";
import { type Telemetry, telemetry } from "@harpia/telemetry";
import { TemplateEngine } from "@harpia/template-engine";
import type { DemoSettings } from "../settings";
import { BookRepository } from "./books";
import { ChatHistory } from "./chat-history";
import { NoteRepository } from "./notes";
import type { DemoStores } from "./stores";
import { UserRepository } from "./users";

/** Largest profile picture, in bytes. */
export const AVATAR_MAX_BYTES = 512 * 1024;
/** Picture formats accepted (their bytes are checked, not just their names). */
export const AVATAR_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const AVATAR_EXTENSIONS = [".png", ".jpg", ".jpeg", ".gif", ".webp"];

/** Where the dashboard of `@harpia/telemetry` is served. */
export const TELEMETRY_PATH = "/admin/telemetry";

/**
 * Everything the demo's routes use, built once per app (tests build several apps in one
 * process). The plugins among them (`telemetry`, `engine`, `pubsub`) are installed by
 * `createDemo`; the route-level ones (`csrf`, the limiters, `upload`) are used on routes.
 * Nothing here is closed by hand: what holds a resource is a plugin that closes it with the app.
 */
export interface DemoServices {
  readonly settings: DemoSettings;
  readonly stores: DemoStores;
  readonly users: UserRepository;
  readonly notes: NoteRepository;
  readonly books: BookRepository;
  readonly chat: ChatHistory;
  readonly cache: Cache;
  /**
   * CSRF protection of `@harpia/session` (`csrf()`), on page routes only: the value is their
   * middleware, and `csrf.instance` the `CSRF` behind it (`token(sessionId)`).
   */
  readonly csrf: CSRFPlugin;
  readonly upload: Upload;
  /** `@harpia/telemetry`: records every response, serves its dashboard at {@link TELEMETRY_PATH}. */
  readonly telemetry: Telemetry;
  /** `@harpia/template-engine`: `res.render` once installed. */
  readonly engine: TemplateEngine;
  /** Failed logins per client IP (`@harpia/rate-limit`, on `POST /login`). */
  readonly loginLimit: RateLimiter;
  /** Sign-ups per client IP (on `POST /signup`); forms sent back with errors (422) do not count. */
  readonly signupLimit: RateLimiter;
  /** The chat's fan-out across processes, with Redis. */
  readonly pubsub: RedisPubSub | undefined;
}

const VIEWS = path.join(import.meta.dir, "..", "views");

/**
 * Builds everything on top of the stores. The asynchronous work (the upload folder, the first
 * books) comes first, so that nothing holding a connection is made before a step that may fail:
 * the fan-out, the only part that opens one, is made last and installed right away by the caller.
 */
export async function createServices(settings: DemoSettings, stores: DemoStores): Promise<DemoServices> {
  await mkdir(settings.uploadDir, { recursive: true });
  const books = new BookRepository(stores.data);
  await books.seed();
  return {
    settings,
    stores,
    users: new UserRepository(stores.data),
    notes: new NoteRepository(stores.data),
    books,
    chat: new ChatHistory(stores.data),
    cache: new Cache({ store: stores.cache, prefix: "cache:", ttl: 10 }),
    // One hour: a form left open over lunch still posts. Visitors' tokens are signed (with
    // COOKIE_SECRET, else a secret kept once in the store), so page views store nothing.
    csrf: csrf({ store: stores.sessions, ttl: 60 * 60 * 1000, secret: settings.cookieSecret }),
    upload: new Upload({
      fieldName: "avatar",
      prefix: "avatar",
      path: settings.uploadDir,
      options: {
        allowedExtensions: AVATAR_EXTENSIONS,
        allowedTypes: AVATAR_TYPES,
        maxSize: AVATAR_MAX_BYTES,
      },
    }),
    telemetry: telemetry({
      store: stores.telemetry,
      accessToken: settings.telemetryToken,
      ignore: [
        "/css/*",
        "/js/*",
        "/avatars/*",
        "/favicon.ico",
        "/favicon.svg",
        "/api/health",
        "/healthz",
        "/readyz",
      ],
      retentionDays: 14,
      // live: the page redraws itself from a server-sent event stream (?format=events).
      dashboard: { path: TELEMETRY_PATH, title: "Harpia demo · telemetry", slowThreshold: 200, live: true },
    }),
    engine: new TemplateEngine({
      path: {
        views: path.join(VIEWS, "pages"),
        layouts: path.join(VIEWS, "layouts"),
        components: path.join(VIEWS, "components"),
      },
    }).registerPlugin("bunVersion", () => Bun.version),
    // Every client address makes a counter: in memory they have a pool of their own, so a flood
    // of addresses only evicts other counters, never members' sessions or accounts. With Redis,
    // every worker counts into the same counters.
    loginLimit: rateLimit({
      name: "login",
      limit: settings.loginLimit.max,
      window: settings.loginLimit.windowSeconds,
      store: stores.limits,
      count: "failures", // a successful login is given back: only wrong passwords use the budget
    }),
    signupLimit: rateLimit({
      name: "signup",
      limit: settings.signupLimit.max,
      window: settings.signupLimit.windowSeconds,
      store: stores.limits,
      count: (_req, res) => res.statusCode !== 422,
    }),
    // Its own subscriber connection (named like the store's, with ":sub").
    pubsub: stores.redis
      ? redisPubSub({ store: stores.redis, channel: `${settings.redisPrefix}chat` })
      : undefined,
  };
}
