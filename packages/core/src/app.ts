/**
 * The app: what it registers (routes through its groups, hooks, handlers, plugins) and its
 * settings. Checking registrations (`app/register.ts`), options and settings (`app/options.ts`),
 * compiling and keeping the compiled form (`app/compile.ts`, `app/compilation.ts`), serving
 * (`app/serve.ts`), closing (`app/shutdown.ts`) and the request path (`pipeline/`) live in
 * their own modules; none of them calls back here.
 */
import type { Server, WebSocketHandler } from "bun";
import { AppCompilation } from "./app/compilation";
import { type AppSettings, appSettings, type HarpiaOptions, resolveOptions } from "./app/options";
import { PluginSet } from "./app/plugins";
import { addHook, addStaticMount, mountCors, notFoundOf, setErrorReporter } from "./app/register";
import { listenApp, stopServers } from "./app/serve";
import { closeApp } from "./app/shutdown";
import { type AppState, createAppState } from "./app/state";
import { type CloseOptions, resolveCloseOptions } from "./close-options";
import type { CookieSigner } from "./cookies";
import type { CorsOptions } from "./cors/cors";
import type { CorsRegistry } from "./cors/registry";
import type { EngineSlot } from "./engine";
import { RouteGroup, registryOf } from "./group";
import type { ErrorReporter, HookName, Hooks } from "./hooks";
import type { CompiledApp } from "./pipeline/compiled";
import { handleRequest } from "./pipeline/fetch";
import { type AddressSource, HarpiaRequest } from "./request";
import type { RouteInfo } from "./schema/types";
import type { ServerHandle, ServerOptions } from "./server";
import type { StaticOptions } from "./static/serve-static";
import type { ErrorHandler, Handler } from "./types";
import type { PubSubAdapter } from "./ws/types";

export type { AppSettings, HarpiaOptions } from "./app/options";

let readCompiled!: (app: Harpia) => CompiledApp;

/** @internal The compiled form of an app, compiled now if needed (core's tests only). */
export function compiledOf(app: Harpia): CompiledApp {
  return readCompiled(app);
}

/**
 * A Harpia application: a router with middleware, error handling, and a server.
 * Create one with `harpia()`.
 */
export class Harpia extends RouteGroup<""> {
  readonly #state: AppState;
  readonly #settings: AppSettings;
  readonly #plugins = new PluginSet();
  readonly #compilation: AppCompilation;
  #corsRegistry: CorsRegistry | undefined;
  #closed: Promise<void> | undefined;

  static {
    readCompiled = (app) => app.#compilation.current();
  }

  constructor(options: HarpiaOptions = {}) {
    super();
    const config = resolveOptions(options);
    const state = createAppState(config);
    this.#state = state;
    this.#settings = appSettings(config, () => state.development);
    const compilation = new AppCompilation(state, this);
    this.#compilation = compilation;
    const registry = registryOf(this);
    registry.changed = () => compilation.invalidate();
    registry.install = (plugin) =>
      this.#plugins.install(plugin, this, (fn) => {
        registry.middleware.push({ path: null, fn });
        compilation.invalidate();
      });
  }

  /** Where a view engine plugs in: `app.engine.set(engine)`. */
  get engine(): EngineSlot {
    return this.#state.engine;
  }

  /** Development mode (detailed error responses); `listen({ development })` sets it too. */
  get development(): boolean {
    return this.#state.development;
  }

  set development(value: boolean) {
    this.#state.development = value;
  }

  /**
   * The app's settings, read once by plugins in `setup` (see {@link AppSettings}): they follow
   * the app instead of declaring their own `trustProxy` or `development`.
   */
  get settings(): AppSettings {
    return this.#settings;
  }

  /**
   * Signs and verifies values with the app's `cookieSecret` (rotation included, constant-time
   * checks), for plugins that need a keyed signature; `undefined` without a secret.
   */
  get signer(): CookieSigner | undefined {
    return this.#state.config.pluginSigner;
  }

  /** Whether a plugin of this name was installed with `app.use()`. */
  hasPlugin(name: string): boolean {
    return this.#plugins.has(name);
  }

  /**
   * Adds a lifecycle hook (see {@link Hooks}): `onRequest` before routing, `onSend` before
   * every response is built, `onResponse` after. Hooks run in the order they were added.
   *
   * @example
   * app.addHook("onSend", (req, res) => { res.headers.set("x-served-by", "harpia"); });
   */
  addHook<K extends HookName>(name: K, hook: Hooks[K]): this {
    if (addHook(this.#state, name, hook)) this.#compilation.invalidate();
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
    this.#state.errorHandler = handler;
    return this;
  }

  /**
   * Replaces the 404 answer (status preset to 404). With `methods`, only requests with those
   * methods get it; others get the default 404.
   */
  setNotFound(handler: Handler<any>, methods?: string[]): this {
    this.#state.notFound = notFoundOf(handler, methods);
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
    addStaticMount(this.#state, dir, options);
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
    this.#corsRegistry ??= mountCors(registryOf(this).middleware);
    this.#corsRegistry.add(options, path);
    this.#compilation.invalidate();
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
   * Every route registered so far, as documentation generators and clients see it: method,
   * full pattern, parameters, and the merged `schema` and `detail` of its routers and itself.
   * HTTP routes come first (in registration order, each router's routes where it was
   * mounted), then WebSocket routes. Plugins read it once the app is set up (e.g. when it
   * starts listening); it is rebuilt after any registration.
   *
   * @example
   * for (const route of app.routeTable()) console.log(route.method, route.path, route.detail?.tags);
   */
  routeTable(): readonly RouteInfo[] {
    return this.#compilation.routeTable();
  }

  /**
   * Compiles routes and middleware now (it otherwise happens on first request or `listen`),
   * so pattern errors and duplicate routes surface at start.
   */
  compile(): void {
    this.#compilation.current();
  }

  /**
   * The whole app as a fetch function: `Request` in, `Response` out, no port needed. Pass it
   * to `Bun.serve` or call it from tests. `server` (optional) supplies the client address.
   * WebSocket routes need it (with `websocket: app.websocket`); after a successful upgrade the
   * promise resolves to `undefined`, which is what Bun expects then.
   */
  fetch = (request: Request, server?: AddressSource | Server<any>): Promise<Response> => {
    try {
      return Promise.resolve(handleRequest(this.#compilation.current(), request, server, false));
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

  /**
   * The handler object for `Bun.serve({ websocket })`, when you call `Bun.serve` yourself:
   * `Bun.serve({ fetch: app.fetch, websocket: app.websocket })` (spread it to add options such
   * as `maxPayloadLength`). `listen()` passes it for you with `listen({ ws })`'s options.
   */
  get websocket(): WebSocketHandler<any> {
    return this.#state.sockets.handler;
  }

  /**
   * Carries `app.publish` across instances (e.g. Redis pub/sub from `@harpia/store-redis`);
   * `undefined` makes publishing local again. See {@link PubSubAdapter}.
   */
  setPubSub(adapter: PubSubAdapter | undefined): this {
    this.#state.sockets.setPubSub(adapter);
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
    return this.#state.sockets.publish(topic, message);
  }

  /**
   * Delivers to this instance's subscribers of `topic` only, through Bun's native
   * `server.publish` (what a pub/sub adapter calls for messages from other instances). Returns
   * Bun's status: bytes sent, `0` when nobody here received it, `-1` under backpressure.
   */
  publishLocal(topic: string, message: string | Uint8Array): number {
    return this.#state.sockets.publishLocal(topic, message);
  }

  /** How many WebSocket connections of this instance are subscribed to `topic`. */
  subscriberCount(topic: string): number {
    return this.#state.sockets.subscriberCount(topic);
  }

  /**
   * How many WebSocket connections this app has open right now, over every server it serves
   * (counted from a route's `open` until its `close`), e.g. for a metrics gauge.
   */
  get webSocketCount(): number {
    return this.#state.sockets.openCount;
  }

  /**
   * Starts a Bun server. Takes the seed's `ServerOptions` (or just a port) and an optional
   * callback; returns a handle with the bound `port` and `stop()`.
   *
   * @example
   * const { port } = app.listen({ port: 0, hostname: "127.0.0.1" });
   */
  listen(options: ServerOptions | number = {}, callback?: (handle: ServerHandle) => void): ServerHandle {
    if (this.#closed !== undefined) throw new Error("listen(): this app was closed");
    return listenApp(this, this.#compilation, options, callback);
  }

  /**
   * True once `app.close()` was called, drain included (readiness checks answer 503 from then
   * on).
   */
  get closing(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Shuts the app down gracefully. From the call on, every response carries
   * `Connection: close` and WebSocket handshakes are refused with 503. With `drain`, for that
   * many milliseconds first, GET/HEAD/OPTIONS requests are answered 503 for a load balancer to
   * resend elsewhere while other requests are still served (see {@link CloseOptions.drain}).
   * Then it stops accepting connections, lets in-flight requests finish (for at most
   * `timeout` ms, default 10 s, then cuts them), closes WebSockets with 1001 ("going away", so
   * clients reconnect elsewhere), and runs every `onClose` hook (stores, subscribers, timers)
   * in reverse order of registration, each for at most `hookTimeout` ms. Calling it again
   * returns the same promise. `listen({ shutdownOnSignals: true })` calls it on SIGTERM and
   * SIGINT.
   *
   * @example
   * process.on("SIGTERM", () => app.close({ drain: 3_000 }));
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closed ??= closeApp(this.#state, resolveCloseOptions(options));
    return this.#closed;
  }

  /**
   * Makes every request note when it arrived, as `req.startTime` (`performance.now()`), for
   * plugins that time requests (loggers, metrics) from an `onResponse` hook alone: no
   * `onRequest` hook, which would take requests off Bun's native routes. Off until asked, as
   * reading the clock costs on every request. Call it in a plugin's `setup`.
   */
  timeRequests(): this {
    if (!this.#state.timed) {
      this.#state.timed = true;
      this.#compilation.invalidate();
    }
    return this;
  }

  /**
   * Where unexpected errors (5xx, throwing hooks, WebSocket handlers without `error`) are
   * reported from now on, for a logging plugin that writes them with its own lines (core's
   * JSON `logger()` calls it). It replaces only the default reporter (`console.error`):
   * `harpia({ logErrors })` given as `false` or as a function stays in charge, and this does
   * nothing. The last reporter set wins.
   */
  setErrorReporter(reporter: ErrorReporter): this {
    if (setErrorReporter(this.#state, reporter)) this.#compilation.invalidate();
    return this;
  }

  /**
   * Stops every server started by `listen`; in-flight requests finish unless `force`. Plugins'
   * resources stay open: prefer {@link close}.
   */
  async stop(force = false): Promise<void> {
    await stopServers(this.#state, force);
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
