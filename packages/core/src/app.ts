import type { Server, WebSocketHandler } from "bun";
import { DEFAULT_JSON_DEPTH } from "./body/json";
import { type CompiledRoute, compileRoutes, type FlatWsRoute, fallbackMiddleware, flatten } from "./compile";
import { compose, type ErrorResponder } from "./compose";
import { type CookieSignatureCompat, CookieSigner } from "./cookies";
import type { CorsOptions } from "./cors/cors";
import { CorsRegistry } from "./cors/registry";
import { EngineSlot } from "./engine";
import { createErrorResponder } from "./error-responder";
import { RouteGroup } from "./group";
import { emptyHooks, type HookName, type Hooks } from "./hooks";
import { type CloseOptions, checkTimeout, closeApp, shutdownOnSignals } from "./lifecycle";
import { compileMethodOverride, type MethodOverride, type MethodOverrideOptions } from "./method-override";
import { type Compiled, RequestPipeline } from "./pipeline";
import { type Plugin, pluginRecord } from "./plugin";
import { type AddressSource, HarpiaRequest, type RequestContext } from "./request";
import { type NativeCandidate, nativeTable } from "./router/native";
import { expandOptional, parsePattern } from "./router/pattern";
import { TrieRouter } from "./router/trie-router";
import type { RouterEngine } from "./router/types";
import { type ServerHandle, type ServerOptions, startServer } from "./server";
import { createStaticHandler, type StaticOptions } from "./static/serve-static";
import type { ErrorHandler, Handler } from "./types";
import { answerUnmatched, type Fallback, type NotFound } from "./unmatched";
import { positiveInteger } from "./utils/internal/check";
import { compileTrustProxy, type TrustProxy } from "./utils/internal/ip";
import { optionalSize, type Size } from "./utils/size";
import { WebSocketHub } from "./ws/hub";
import type { PubSubAdapter } from "./ws/types";
import { compileWsRoutes } from "./ws/upgrade";

/** Options of `harpia()`. */
export interface HarpiaOptions {
  /** Development mode: error responses show messages and stack traces. `listen({ development })` sets it too. */
  development?: boolean;
  /**
   * Which proxies to believe for `req.ip`, `req.protocol` and the app's own origin: a number of
   * hops, `true`, trusted proxy addresses/CIDRs, or `{ header: "cf-connecting-ip" }` (see
   * {@link TrustProxy}). Default `false`: the socket and the URL only. Checked at creation.
   */
  trustProxy?: TrustProxy;
  /** Secret(s) for signed cookies; the first signs, all verify (for rotation). */
  cookieSecret?: string | string[];
  /**
   * Also accept cookies signed by another framework with the same `cookieSecret` (read only:
   * Harpia still signs in its own format). `"express"`: cookie-parser's `s:value.signature`.
   * Opt-in because Express's signature does not bind the cookie's name.
   */
  cookieSignatureCompat?: CookieSignatureCompat;
  /**
   * Default largest body parsed: bytes, or a size such as `"100kb"` (default 1 MiB, or
   * `listen({ maxRequestBodySize })`). Routes raise or lower it with `{ bodyLimit }`. Checked
   * here: `NaN`, fractions, zero or negative sizes throw a `TypeError`.
   */
  bodyLimit?: Size;
  /**
   * Deepest nesting of arrays and objects accepted in a JSON body (default 64); deeper bodies
   * are refused with 400 `BODY_TOO_DEEP` before they are parsed. Routes set their own with
   * `{ jsonDepth }`.
   */
  jsonDepth?: number;
  /**
   * Longest value, in characters of the encoded path, tested against a route parameter's
   * constraint (`/:id(\\d+)`); a longer segment simply does not match that parameter. Default 256.
   * Bounds the time any constraint can take per request.
   */
  constraintMaxLength?: number;
  /**
   * Method override for HTML forms: a POST with `_method` in its urlencoded body, or an
   * `X-HTTP-Method-Override` header, is routed as that method. On by default for PUT, PATCH
   * and DELETE, for requests that are not cross-site (a cross-site one stays a POST; see
   * {@link MethodOverride}); `false` turns it off; `{ methods, allowOrigins }` changes the
   * methods and lists other origins whose forms may override.
   */
  methodOverride?: boolean | MethodOverrideOptions;
  /** Route matcher to use (default: the trie router). */
  router?: () => RouterEngine<CompiledRoute>;
  /**
   * Let `listen()` hand plain routes to Bun's native router (faster: no URL parsing or JS
   * matching per request). Bun's table slows down as it grows (measured: within 3% up to 100
   * routes, a third slower for the last of 1,000), while the JS trie stays flat, so by default
   * apps with more than 100 such routes use the JS router only. `false` turns it off; a number
   * sets the limit. Answers are the same either way.
   */
  nativeRoutes?: boolean | number;
  /**
   * Where unexpected (5xx) errors are reported: `console.error` by default, a function of
   * yours, or `false` for silence.
   */
  logErrors?: boolean | ((error: unknown, req: HarpiaRequest<any> | undefined) => void);
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** What plugins read from the app (`app.settings`): set once, at `harpia(options)`. */
export interface AppSettings {
  /** Development mode (follows `listen({ development })`). */
  readonly development: boolean;
  /** Which proxies `req.ip`/`req.protocol` believe, as given to `harpia({ trustProxy })`. */
  readonly trustProxy: TrustProxy;
  /** The default body limit, in bytes. */
  readonly bodyLimit: number;
  /** The JSON nesting limit. */
  readonly jsonDepth: number;
  /** Whether method override is on. */
  readonly methodOverride: boolean;
  /** Whether a `cookieSecret` was given (use `app.signer` to sign and verify with it). */
  readonly cookieSecret: boolean;
}

/**
 * A Harpia application: a router with middleware, error handling, and a server.
 * Create one with `harpia()`.
 */
export class Harpia extends RouteGroup<""> {
  /** Where a view engine plugs in: `app.engine.set(engine)`. */
  readonly engine = new EngineSlot();
  /** Development mode (detailed error responses). */
  development: boolean;
  /** @internal Tried in order before the not-found handler (static mounts). */
  readonly _fallbacks: Fallback[] = [];
  /** @internal */ readonly _hooks: { [K in HookName]: Hooks[K][] } = emptyHooks();
  /** @internal Running servers, each with the function that re-applies the app's routes to it. */
  readonly _servers = new Map<Server<any>, () => void>();
  /** @internal */ _errorHandler: ErrorHandler | undefined;
  /** @internal */ _notFound: NotFound | undefined;
  /** @internal */ readonly _context: RequestContext;
  /** @internal */ readonly _signer: CookieSigner | undefined;
  /** @internal */ readonly _override: MethodOverride | undefined;
  /** @internal */ readonly _logError:
    | ((error: unknown, req: HarpiaRequest<any> | undefined) => void)
    | undefined;
  /** @internal */ readonly _sockets: WebSocketHub;
  /** @internal */ readonly _respondError: ErrorResponder;
  /** @internal */ readonly _pipeline: RequestPipeline;
  private compiled: Compiled | undefined;
  private corsRegistry: CorsRegistry | undefined;
  private listenBodyLimit: number | undefined;
  private readonly bodyLimit: number | undefined;
  private readonly jsonDepth: number;
  private readonly constraintMaxLength: number | undefined;
  private refreshQueued = false;
  /** Plugins installed on this app, and how many of each name (for `dependencies`). */
  private readonly plugins = new Set<Plugin>();
  private readonly pluginNames = new Map<string, number>();
  /** Plugins whose `setup` is running (a setup may `app.use` its own handle as middleware). */
  private readonly installing = new Set<Plugin>();
  private pluginSigner: CookieSigner | undefined;
  private closed: Promise<void> | undefined;
  private readonly appSettings: AppSettings;

  constructor(private readonly harpiaOptions: HarpiaOptions = {}) {
    super();
    const settings = harpiaOptions;
    if (settings === null || typeof settings !== "object")
      throw new TypeError("harpia() takes an options object");
    this.development = settings.development ?? false;
    this.bodyLimit = optionalSize(settings.bodyLimit, "harpia({ bodyLimit })");
    this.jsonDepth =
      settings.jsonDepth === undefined
        ? DEFAULT_JSON_DEPTH
        : positiveInteger(settings.jsonDepth, "harpia({ jsonDepth })");
    this.constraintMaxLength =
      settings.constraintMaxLength === undefined
        ? undefined
        : positiveInteger(settings.constraintMaxLength, "harpia({ constraintMaxLength })");
    if (settings.cookieSignatureCompat !== undefined && settings.cookieSecret === undefined)
      throw new TypeError("cookieSignatureCompat needs harpia({ cookieSecret })");
    this._signer =
      settings.cookieSecret === undefined
        ? undefined
        : new CookieSigner(settings.cookieSecret, settings.cookieSignatureCompat);
    this._context = {
      trust: compileTrustProxy(settings.trustProxy),
      signer: this._signer,
      jsonDepth: this.jsonDepth,
    };
    this._override = compileMethodOverride(settings.methodOverride);
    const log = settings.logErrors ?? true;
    this._logError =
      log === false
        ? undefined
        : log === true
          ? (error, req) =>
              console.error(`[harpia] ${req ? `${req.method} ${req.path}` : "request"} failed:`, error)
          : log;
    const app = this;
    this.appSettings = Object.freeze({
      get development() {
        return app.development;
      },
      trustProxy: settings.trustProxy ?? false,
      bodyLimit: this.bodyLimit ?? DEFAULT_BODY_LIMIT,
      jsonDepth: this.jsonDepth,
      methodOverride: this._override !== undefined,
      cookieSecret: this._signer !== undefined,
    });
    this._sockets = new WebSocketHub((error) => this._logError?.(error, undefined));
    this._respondError = createErrorResponder(this);
    this._pipeline = new RequestPipeline(this);
  }

  /** @internal */
  override _invalidate(): void {
    this.compiled = undefined;
    if (this._servers.size === 0 || this.refreshQueued) return;
    // Registrations after listen(): recompile once they are done (before the next request is
    // read) and hand Bun's router the new table, so no request runs a stale chain.
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      for (const refresh of this._servers.values()) refresh();
    });
  }

  /**
   * The app's settings, read once by plugins in `setup` (see {@link AppSettings}): they follow
   * the app instead of declaring their own `trustProxy` or `development`.
   */
  get settings(): AppSettings {
    return this.appSettings;
  }

  /**
   * Signs and verifies values with the app's `cookieSecret` (rotation included, constant-time
   * checks), for plugins that need a keyed signature; `undefined` without a secret.
   */
  get signer(): CookieSigner | undefined {
    // Never the Express-compatible reader: Express signatures cover the value only, not what it
    // is bound to, so a plugin signing tokens must not accept them.
    if (this.pluginSigner === undefined && this.harpiaOptions.cookieSecret !== undefined)
      this.pluginSigner = new CookieSigner(this.harpiaOptions.cookieSecret);
    return this.pluginSigner;
  }

  /** @internal `app.use(plugin)`: installs a plugin once (see `definePlugin`). */
  override _install(plugin: Plugin): void {
    const record = pluginRecord(plugin);
    if (this.installing.has(plugin)) {
      // `app.use(handle)` from the plugin's own setup: the handle is meant as middleware here.
      if (record.middleware === undefined)
        throw new TypeError(`Plugin "${record.name}" called app.use() on itself but is not a middleware`);
      this._middleware.push({ path: null, fn: record.middleware });
      return;
    }
    if (this.plugins.has(plugin)) return;
    for (const dependency of record.dependencies) {
      if (!this.pluginNames.has(dependency))
        throw new Error(`Plugin "${record.name}" needs "${dependency}": app.use() that one first`);
    }
    this.installing.add(plugin);
    try {
      record.setup(this);
    } finally {
      this.installing.delete(plugin);
    }
    // Only a setup that completed counts: a failed one can be fixed and installed again.
    this.plugins.add(plugin);
    this.pluginNames.set(record.name, (this.pluginNames.get(record.name) ?? 0) + 1);
  }

  /** Whether a plugin of this name was installed with `app.use()`. */
  hasPlugin(name: string): boolean {
    return this.pluginNames.has(name);
  }

  /**
   * Adds a lifecycle hook (see {@link Hooks}): `onRequest` before routing, `onSend` before
   * every response is built, `onResponse` after. Hooks run in the order they were added.
   *
   * @example
   * app.addHook("onSend", (req, res) => { res.headers.set("x-served-by", "harpia"); });
   */
  addHook<K extends HookName>(name: K, hook: Hooks[K]): this {
    if (!Object.hasOwn(this._hooks, name))
      throw new TypeError(
        `Unknown hook "${String(name)}"; use one of ${Object.keys(this._hooks).join(", ")}`,
      );
    if (typeof hook !== "function") throw new TypeError(`addHook("${name}") needs a function`);
    this._hooks[name].push(hook);
    return this;
  }

  /**
   * Runs `hook` when the app closes (`app.close()`): close stores, subscribers and timers here.
   * Same as `app.addHook("onClose", hook)`.
   */
  onClose(hook: Hooks["onClose"]): this {
    return this.addHook("onClose", hook);
  }

  /**
   * Handles `err` for every route: whatever was thrown, rejected or passed to `next(err)`.
   * The status is preset from the error (an `HttpError`'s, else 500). If this handler
   * throws, the default handler answers.
   */
  setErrorHandler(handler: ErrorHandler): this {
    this._errorHandler = handler;
    return this;
  }

  /**
   * Replaces the 404 answer (status preset to 404). With `methods`, only requests with those
   * methods get it; others get the default 404.
   */
  setNotFound(handler: Handler<any>, methods?: string[]): this {
    this._notFound = { handler, methods: methods && new Set(methods.map((m) => m.toUpperCase())) };
    return this;
  }

  /**
   * Serves the files of a folder for requests no route matched (GET and HEAD). Mounts are
   * tried in the order added; a miss goes on to the next mount, then to the 404 handler.
   * See {@link StaticOptions} (prefix, caching, index files, dotfiles, ranges).
   *
   * @example
   * app.static("public");
   * app.static("assets", { prefix: "/assets", maxAge: "1y", immutable: true });
   */
  static(dir: string, options?: StaticOptions): this {
    this._fallbacks.push(createStaticHandler(dir, options, () => this.development));
    return this;
  }

  /**
   * Enables CORS for every path, or for `path` and below. Runs before all other middleware
   * (so preflights never reach authentication) and answers preflights even where no OPTIONS
   * route exists. When several paths match, the most specific one's options apply.
   *
   * @example
   * app.cors({ origin: "*", methods: ["GET", "POST"] });
   * app.cors({ origin: "https://example.com", methods: "GET" }, "/books");
   */
  cors(options?: CorsOptions, path?: string): this {
    if (this.corsRegistry === undefined) {
      this.corsRegistry = new CorsRegistry();
      this._middleware.unshift({ path: null, fn: this.corsRegistry.middleware });
    }
    this.corsRegistry.add(options, path);
    this._invalidate();
    return this;
  }

  /** The client IP of a request (honours `trustProxy`); `undefined` when unknown. */
  requestIP(req: HarpiaRequest<any>): string | undefined {
    if (!(req instanceof HarpiaRequest)) {
      throw new TypeError("app.requestIP(req) needs the request: per-request state is never kept on the app");
    }
    return req.ip;
  }

  /**
   * Compiles routes and middleware now (it otherwise happens on first request or `listen`),
   * so pattern errors and duplicate routes surface at start.
   */
  compile(): void {
    this.compiled ??= this.build();
  }

  /** @internal The compiled app, built on first use after any registration. */
  _compiled(): Compiled {
    this.compiled ??= this.build();
    return this.compiled;
  }

  /** @internal `listen({ maxRequestBodySize })` (checked, in bytes) becomes the default body limit. */
  _useListenBodyLimit(limit: number | undefined): void {
    if (limit === undefined || limit === this.listenBodyLimit) return;
    this.listenBodyLimit = limit;
    this._invalidate();
  }

  private build(): Compiled {
    const bodyLimit = this.bodyLimit ?? this.listenBodyLimit ?? DEFAULT_BODY_LIMIT;
    const routes: Parameters<typeof compileRoutes>[0] = [];
    const wsRoutes: FlatWsRoute[] = [];
    flatten(this, "", [], routes, wsRoutes);
    const router =
      this.harpiaOptions.router?.() ??
      new TrieRouter<CompiledRoute>({ constraintMaxLength: this.constraintMaxLength });
    const candidates: NativeCandidate<CompiledRoute>[] = [];
    const defaults = { bodyLimit, jsonDepth: this.jsonDepth };
    compileRoutes(routes, router, this._respondError, defaults, (method, segments, value) =>
      candidates.push({ method, segments, value }),
    );
    const ws = compileWsRoutes(wsRoutes, this._sockets, this._respondError, {
      constraintMaxLength: this.constraintMaxLength,
    });
    const wsPatterns = wsRoutes.flatMap((route) => expandOptional(parsePattern(route.pattern)));
    const middleware = fallbackMiddleware(this);
    const unmatched = (req: HarpiaRequest<any>, res: Parameters<typeof answerUnmatched>[4]) =>
      answerUnmatched(this, router, ws, req, res);
    const fallback = compose([...middleware, unmatched], this._respondError);
    const nativeLimit =
      this.harpiaOptions.nativeRoutes === false
        ? 0
        : this.harpiaOptions.nativeRoutes === true
          ? Infinity
          : (this.harpiaOptions.nativeRoutes ?? 100);
    let native = nativeLimit > 0 ? nativeTable(candidates, wsPatterns) : new Map();
    if (native.size > nativeLimit) native = new Map();
    return { router, fallback, middleware, bodyLimit, ws, native };
  }

  /**
   * The whole app as a fetch function: `Request` in, `Response` out, no port needed. Pass it
   * to `Bun.serve` or call it from tests. `server` (optional) supplies the client address.
   * WebSocket routes need it (with `websocket: app.websocket`); after a successful upgrade the
   * promise resolves to `undefined`, which is what Bun expects then.
   */
  fetch = (request: Request, server?: AddressSource | Server<any>): Promise<Response> => {
    try {
      return Promise.resolve(this._pipeline.handle(request, server, false));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  /** Shorthand for tests: `await app.request("/books?x=1", { method: "POST" })`. */
  request(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    return this.fetch(request);
  }

  /** @internal The request pipeline; sync when every step is. */
  handle(request: Request, server?: AddressSource | Server<any>): Response | Promise<Response> {
    return this._pipeline.handle(request, server, false);
  }

  /**
   * The handler object for `Bun.serve({ websocket })`, when you call `Bun.serve` yourself:
   * `Bun.serve({ fetch: app.fetch, websocket: app.websocket })` (spread it to add options such
   * as `maxPayloadLength`). `listen()` passes it for you with `listen({ ws })`'s options.
   */
  get websocket(): WebSocketHandler<any> {
    return this._sockets.handler;
  }

  /**
   * Carries `app.publish` across instances (e.g. Redis pub/sub from `@harpia/store-redis`);
   * `undefined` makes publishing local again. See {@link PubSubAdapter}.
   */
  setPubSub(adapter: PubSubAdapter | undefined): this {
    this._sockets.setPubSub(adapter);
    return this;
  }

  /**
   * Sends `message` to every WebSocket subscribed to `topic` (`ws.subscribe(topic)`): through
   * the pub/sub adapter when one is set (every instance), else on this instance only.
   *
   * @example
   * app.ws("/chat", { open: (ws) => ws.subscribe("lobby") });
   * app.post("/announce", (req, res) => { app.publish("lobby", req.body.text); res.send("ok"); });
   */
  publish(topic: string, message: string | Uint8Array): void | Promise<void> {
    return this._sockets.publish(topic, message);
  }

  /**
   * Delivers to this instance's subscribers of `topic` only, through Bun's native
   * `server.publish` (what a pub/sub adapter calls for messages from other instances). Returns
   * Bun's status: bytes sent, `0` when nobody here received it, `-1` under backpressure.
   */
  publishLocal(topic: string, message: string | Uint8Array): number {
    return this._sockets.publishLocal(topic, message);
  }

  /** How many WebSocket connections of this instance are subscribed to `topic`. */
  subscriberCount(topic: string): number {
    return this._sockets.subscriberCount(topic);
  }

  /**
   * Starts a Bun server. Takes the seed's `ServerOptions` (or just a port) and an optional
   * callback; returns a handle with the bound `port` and `stop()`.
   *
   * @example
   * const { port } = app.listen({ port: 0, hostname: "127.0.0.1" });
   */
  listen(options: ServerOptions | number = {}, callback?: (handle: ServerHandle) => void): ServerHandle {
    if (this.closed !== undefined) throw new Error("listen(): this app was closed");
    const handle = startServer(this, options);
    if (typeof options === "object" && options.shutdownOnSignals)
      shutdownOnSignals(this, options.shutdownOnSignals, options.shutdownTimeout);
    callback?.(handle);
    for (const hook of this._hooks.onListen) {
      try {
        const pending = hook(handle);
        if (pending instanceof Promise) pending.catch((error) => this._logError?.(error, undefined));
      } catch (error) {
        this._logError?.(error, undefined);
      }
    }
    return handle;
  }

  /** True once `app.close()` was called (readiness checks answer 503 from then on). */
  get closing(): boolean {
    return this.closed !== undefined;
  }

  /**
   * Shuts the app down gracefully: stops accepting connections, lets in-flight requests finish
   * (for at most `timeout` ms, default 10 s, then cuts them), closes WebSockets with 1001
   * ("going away", so clients reconnect elsewhere), then runs every `onClose` hook (stores,
   * subscribers, timers) in reverse order of registration. Calling it again returns the same
   * promise. `listen({ shutdownOnSignals: true })` calls it on SIGTERM and SIGINT.
   *
   * @example
   * process.on("SIGTERM", () => app.close());
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closed ??= closeApp(this, checkTimeout(options.timeout));
    return this.closed;
  }

  /**
   * Stops every server started by `listen`; in-flight requests finish unless `force`. Plugins'
   * resources stay open: prefer {@link close}.
   */
  async stop(force = false): Promise<void> {
    const running = [...this._servers.keys()];
    this._servers.clear();
    for (const server of running) this._sockets.forget(server);
    await Promise.all(running.map((server) => server.stop(force)));
  }
}

/**
 * Creates a Harpia app.
 *
 * @example
 * import harpia from "@harpia/core";
 * const app = harpia();
 * app.get("/", (req, res) => res.send("Hello"));
 * app.listen({ port: 3000 });
 */
export function harpia(options?: HarpiaOptions): Harpia {
  return new Harpia(options);
}
