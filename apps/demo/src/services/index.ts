import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Cache, type Middleware, Upload } from "@harpia/core";
import { type RateLimiter, rateLimit } from "@harpia/rate-limit";
import { CSRF } from "@harpia/session";
import { redisPubSub } from "@harpia/store-redis";
import { Telemetry } from "@harpia/telemetry";
import { TemplateEngine } from "@harpia/template-engine";
import type { DemoSettings } from "../settings";
import { BookRepository } from "./books";
import { ChatHistory } from "./chat-history";
import { NoteRepository } from "./notes";
import { createStores, type DemoStores } from "./stores";
import { UserRepository } from "./users";

/** Largest profile picture, in bytes. */
export const AVATAR_MAX_BYTES = 512 * 1024;
/** Picture formats accepted (their bytes are checked, not just their names). */
export const AVATAR_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const AVATAR_EXTENSIONS = [".png", ".jpg", ".jpeg", ".gif", ".webp"];

/** Everything the demo's routes use, built once per app (tests build several apps in one process). */
export interface DemoServices {
  readonly settings: DemoSettings;
  readonly stores: DemoStores;
  readonly users: UserRepository;
  readonly notes: NoteRepository;
  readonly books: BookRepository;
  readonly chat: ChatHistory;
  readonly cache: Cache;
  readonly csrf: CSRF;
  /** `csrf.middleware()`, made once. */
  readonly csrfCheck: Middleware;
  readonly upload: Upload;
  readonly telemetry: Telemetry;
  readonly engine: TemplateEngine;
  /** Failed logins per client IP (`@harpia/rate-limit`, on `POST /login`). */
  readonly loginLimit: RateLimiter;
  /** Sign-ups per client IP (on `POST /signup`); forms sent back with errors (422) do not count. */
  readonly signupLimit: RateLimiter;
  /** The chat's fan-out across processes, with Redis. */
  readonly pubsub: ReturnType<typeof redisPubSub> | undefined;
  /** Waits for telemetry in flight and closes stores and connections. */
  close(): Promise<void>;
}

const VIEWS = path.join(import.meta.dir, "..", "views");
const PUBSUB_READY_WAIT_MS = 5_000;

/** Builds the stores and everything on top of them. */
export async function createServices(settings: DemoSettings): Promise<DemoServices> {
  const stores = await createStores(settings);
  await mkdir(settings.uploadDir, { recursive: true });
  const books = new BookRepository(stores.data);
  await books.seed();
  const telemetry = new Telemetry({
    store: stores.telemetry,
    accessToken: settings.telemetryToken,
    ignore: ["/css/*", "/js/*", "/avatars/*", "/favicon.ico", "/favicon.svg", "/api/health"],
    retentionDays: 14,
  });
  const pubsub = stores.redis
    ? redisPubSub({ store: stores.redis, channel: `${settings.redisPrefix}chat` })
    : undefined;
  // Serve once other workers' chat messages can arrive (if Redis drops meanwhile, the fan-out
  // subscribes when it is back: do not wait for that).
  if (pubsub) await Promise.race([pubsub.ready, Bun.sleep(PUBSUB_READY_WAIT_MS)]);
  // One hour: a form left open over lunch still posts. Visitors' tokens are signed (with
  // COOKIE_SECRET, else a secret kept once in the store), so page views store nothing.
  const csrf = new CSRF({ store: stores.sessions, ttl: 60 * 60 * 1000, secret: settings.cookieSecret });
  return {
    settings,
    stores,
    users: new UserRepository(stores.data),
    notes: new NoteRepository(stores.data),
    books,
    chat: new ChatHistory(stores.data),
    cache: new Cache({ store: stores.cache, prefix: "cache:", ttl: 10 }),
    csrf,
    csrfCheck: csrf.middleware(),
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
    telemetry,
    engine: new TemplateEngine({
      path: {
        views: path.join(VIEWS, "pages"),
        layouts: path.join(VIEWS, "layouts"),
        components: path.join(VIEWS, "components"),
      },
    }),
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
    pubsub,
    async close() {
      await telemetry.settled();
      await pubsub?.close();
      await stores.close();
    },
  };
}
