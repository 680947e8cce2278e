import type { Server, WebSocketHandler } from "bun";
import { bodyKind, hasBody, mediaType, parseBody } from "./body/parse";
import { type CompiledRoute, compileRoutes, type FlatWsRoute, fallbackMiddleware, flatten } from "./compile";
import { applyResult, type Chain, compose, runChain } from "./compose";
import { CookieSigner } from "./cookies";
import type { CorsOptions } from "./cors/cors";
import { CorsRegistry } from "./cors/registry";
import { EngineSlot } from "./engine";
import { writeErrorResponse } from "./error-page";
import { HttpError, toHttpError } from "./errors";
import { RouteGroup } from "./group";
import { type HookName, type Hooks, PLUGIN, type Plugin } from "./hooks";
import { type AddressSource, HarpiaRequest, type RequestContext } from "./request";
import { HarpiaResponse } from "./response";
import { TrieRouter } from "./router/trie-router";
import type { RouteMatch, RouterEngine } from "./router/types";
import { type ServerHandle, type ServerOptions, validateServerOptions } from "./server";
import { createStaticHandler, type StaticOptions } from "./static/serve-static";
import type { ErrorHandler, Handler, Middleware } from "./types";
import type { TrustProxy } from "./utils/internal/ip";
import { WebSocketHub } from "./ws/hub";
import type { PubSubAdapter } from "./ws/types";
import { compileWsRoutes, handshakeError, isWebSocketUpgrade } from "./ws/upgrade";

/** Options of `harpia()`. */
export interface HarpiaOptions {
  /** Development mode: error responses show messages and stack traces. `listen({ development })` sets it too. */
  development?: boolean;
  /** Believe `X-Forwarded-For` for `req.ip` (see {@link TrustProxy}). Default `false`. */
  trustProxy?: TrustProxy;
  /** Secret(s) for signed cookies; the first signs, all verify (for rotation). */
  cookieSecret?: string | string[];
  /**
   * Default largest body parsed, in bytes (default 1 MiB, or `listen({ maxRequestBodySize })`).
   * Routes raise or lower it with `{ bodyLimit }`.
   */
  bodyLimit?: number;
  /**
   * Method override for HTML forms: a POST with `_method` in its urlencoded body, or an
   * `X-HTTP-Method-Override` header, is routed as that method. On by default for PUT, PATCH
   * and DELETE; `false` turns it off.
   */
  methodOverride?: boolean | { methods: string[] };
  /** Route matcher to use (default: the trie router). */
  router?: () => RouterEngine<CompiledRoute>;
  /**
   * Where unexpected (5xx) errors are reported: `console.error` by default, a function of
   * yours, or `false` for silence.
   */
  logErrors?: boolean | ((error: unknown, req: HarpiaRequest<any> | undefined) => void);
}

/** Something tried, in order, for requests no route matched (e.g. static files). */
export type Fallback = (req: HarpiaRequest<any>, res: HarpiaResponse) => boolean | Promise<boolean>;

interface Compiled {
  router: RouterEngine<CompiledRoute>;
  fallback: Chain;
  middleware: Middleware[];
  bodyLimit: number;
  /** WebSocket routes (GET upgrades only); undefined when the app has none. */
  ws: RouterEngine<CompiledRoute> | undefined;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const NO_BODY_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function decodeParams(names: readonly string[], values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    const raw = values[i]!;
    params[names[i]!] = raw.includes("%") ? decodeURIComponent(raw) : raw;
  }
  return params;
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
  /** @internal Tried in order before the not-found handler. */
  readonly _fallbacks: Fallback[] = [];
  private compiled: Compiled | undefined;
  private readonly hooks: { [K in HookName]: Hooks[K][] } = { onRequest: [], onSend: [], onResponse: [] };
  private readonly servers = new Set<Server<any>>();
  private corsRegistry: CorsRegistry | undefined;
  private errorHandler: ErrorHandler | undefined;
  private notFound: { handler: Handler<any>; methods: Set<string> | undefined } | undefined;
  private listenBodyLimit: number | undefined;
  private readonly context: RequestContext;
  private readonly signer: CookieSigner | undefined;
  private readonly overrideMethods: Set<string> | undefined;
  private readonly logError: ((error: unknown, req: HarpiaRequest<any> | undefined) => void) | undefined;
  private readonly sockets: WebSocketHub;

  constructor(private readonly settings: HarpiaOptions = {}) {
    super();
    this.development = settings.development ?? false;
    this.signer = settings.cookieSecret === undefined ? undefined : new CookieSigner(settings.cookieSecret);
    this.context = { trustProxy: settings.trustProxy ?? false, signer: this.signer };
    const override = settings.methodOverride ?? true;
    this.overrideMethods =
      override === false
        ? undefined
        : new Set(
            (override === true ? ["PUT", "PATCH", "DELETE"] : override.methods).map((m) => m.toUpperCase()),
          );
    const log = settings.logErrors ?? true;
    this.logError =
      log === false
        ? undefined
        : log === true
          ? (error, req) =>
              console.error(`[harpia] ${req ? `${req.method} ${req.path}` : "request"} failed:`, error)
          : log;
    this.sockets = new WebSocketHub((error) => this.logError?.(error, undefined));
  }

  /** @internal */
  override _invalidate(): void {
    this.compiled = undefined;
  }

  /** @internal `app.use(plugin)`: the plugin installs itself (hooks, routes, middleware). */
  override _install(plugin: Plugin): void {
    plugin[PLUGIN](this);
  }

  /**
   * Adds a lifecycle hook (see {@link Hooks}): `onRequest` before routing, `onSend` before
   * every response is built, `onResponse` after. Hooks run in the order they were added.
   *
   * @example
   * app.addHook("onSend", (req, res) => { res.headers.set("x-served-by", "harpia"); });
   */
  addHook<K extends HookName>(name: K, hook: Hooks[K]): this {
    if (!(name in this.hooks))
      throw new TypeError(`Unknown hook "${String(name)}"; use onRequest, onSend or onResponse`);
    if (typeof hook !== "function") throw new TypeError(`addHook("${name}") needs a function`);
    this.hooks[name].push(hook);
    return this;
  }

  /**
   * Handles `err` for every route: whatever was thrown, rejected or passed to `next(err)`.
   * The status is preset from the error (an {@link HttpError}'s, else 500). If this handler
   * throws, the default handler answers.
   */
  setErrorHandler(handler: ErrorHandler): this {
    this.errorHandler = handler;
    return this;
  }

  /**
   * Replaces the 404 answer (status preset to 404). With `methods`, only requests with those
   * methods get it; others get the default 404.
   */
  setNotFound(handler: Handler<any>, methods?: string[]): this {
    this.notFound = { handler, methods: methods && new Set(methods.map((m) => m.toUpperCase())) };
    this._invalidate();
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

  private build(): Compiled {
    const bodyLimit = this.settings.bodyLimit ?? this.listenBodyLimit ?? DEFAULT_BODY_LIMIT;
    const routes: Parameters<typeof compileRoutes>[0] = [];
    const wsRoutes: FlatWsRoute[] = [];
    flatten(this, "", [], routes, wsRoutes);
    const router = this.settings.router?.() ?? new TrieRouter<CompiledRoute>();
    compileRoutes(routes, router, this.respondError, bodyLimit);
    const ws = compileWsRoutes(wsRoutes, this.sockets, this.respondError);
    const middleware = fallbackMiddleware(this);
    const fallback = compose(
      [...middleware, (req, res) => this.unmatched(router, req, res, ws)],
      this.respondError,
    );
    return { router, fallback, middleware, bodyLimit, ws };
  }

  /**
   * The whole app as a fetch function: `Request` in, `Response` out, no port needed. Pass it
   * to `Bun.serve` or call it from tests. `server` (optional) supplies the client address.
   * WebSocket routes need it (with `websocket: app.websocket`); after a successful upgrade the
   * promise resolves to `undefined`, which is what Bun expects then.
   */
  fetch = (request: Request, server?: AddressSource | Server<any>): Promise<Response> => {
    try {
      return Promise.resolve(this.handle(request, server));
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
    const compiled = this.compiled ?? this.build();
    this.compiled = compiled;
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const query = url.indexOf("?", start);
    const path = start === -1 ? "/" : query === -1 ? url.slice(start) : url.slice(start, query);
    const req = new HarpiaRequest(request, path, query, server, this.context);
    const res = new HarpiaResponse(this.signer, this.engine, request);
    if (this.hooks.onRequest.length !== 0) return this.afterOnRequest(compiled, req, res);
    return this.route(compiled, req, res);
  }

  private async afterOnRequest(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Promise<Response> {
    try {
      for (const hook of this.hooks.onRequest) {
        await hook(req, res);
        if (res.sent) return this.finish(req, res);
      }
    } catch (error) {
      return this.fail(compiled, req, res, error);
    }
    return this.route(compiled, req, res);
  }

  private route(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Response | Promise<Response> {
    const request = req.raw;
    if (compiled.ws !== undefined && request.method === "GET" && isWebSocketUpgrade(request)) {
      const match = compiled.ws.match("GET", req._lookupPath);
      if (match !== null) return this.upgrade(compiled, match, req, res);
    }
    if (this.overrideMethods !== undefined && request.method === "POST") {
      const overridden = this.override(compiled, req, res);
      if (overridden !== undefined) return overridden;
    }
    return this.dispatch(compiled, req, res);
  }

  /** Builds the one `Response`, after the `onSend` hooks; then fires `onResponse`. */
  private finish = (req: HarpiaRequest<any>, res: HarpiaResponse): Response | Promise<Response> => {
    if (this.hooks.onSend.length === 0 && this.hooks.onResponse.length === 0)
      return res._toResponse(req.raw.method === "HEAD");
    return this.finishWithHooks(req, res);
  };

  private async finishWithHooks(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<Response> {
    for (const hook of this.hooks.onSend) {
      try {
        await hook(req, res);
      } catch (error) {
        this.logError?.(error, req);
      }
    }
    const response = res._toResponse(req.raw.method === "HEAD");
    for (const hook of this.hooks.onResponse) {
      try {
        const pending = hook(req, res, response);
        if (pending instanceof Promise) pending.catch((error) => this.logError?.(error, req));
      } catch (error) {
        this.logError?.(error, req);
      }
    }
    return response;
  }

  /** Applies method override; returns a pending response when the body had to be read first. */
  private override(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Promise<Response> | undefined {
    const header = req.headers.get("x-http-method-override");
    if (header !== null) {
      const method = header.trim().toUpperCase();
      if (this.overrideMethods!.has(method)) req.method = method;
      return undefined;
    }
    const type = mediaType(req.headers.get("content-type"));
    if (type !== "application/x-www-form-urlencoded" || !hasBody(req.raw)) return undefined;
    return (async () => {
      try {
        req._parsed = await parseBody(req.raw, "form", compiled.bodyLimit);
        req.body = req._parsed.body;
      } catch (error) {
        return this.fail(compiled, req, res, error);
      }
      const wanted = (req.body as Record<string, unknown>)._method;
      if (typeof wanted === "string" && this.overrideMethods!.has(wanted.toUpperCase()))
        req.method = wanted.toUpperCase();
      return this.dispatch(compiled, req, res);
    })();
  }

  private dispatch(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Response | Promise<Response> {
    const match = compiled.router.match(req.method, req._lookupPath);
    if (match === null) return runChain(compiled.fallback, req, res, this.finish);
    const route = match.value;
    if (match.values.length !== 0) {
      try {
        req.params = decodeParams(match.names, match.values);
      } catch {
        return this.fail(
          compiled,
          req,
          res,
          new HttpError(400, "Malformed percent-encoding in URL path", { code: "MALFORMED_URI" }),
        );
      }
    }
    if (route.parseBody && !NO_BODY_METHODS.has(req.method) && hasBody(req.raw)) {
      return this.withBody(compiled, route, req, res);
    }
    return runChain(route.chain, req, res, this.finish);
  }

  private async withBody(
    compiled: Compiled,
    route: CompiledRoute,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Promise<Response> {
    const limit = route.bodyLimit ?? compiled.bodyLimit;
    try {
      const type = mediaType(req.headers.get("content-type"));
      const kind = bodyKind(type);
      if (route.accepts !== undefined && (kind === undefined || !route.accepts.has(kind))) {
        throw new HttpError(
          415,
          `Content-Type "${type || "(none)"}" is not accepted here; expected ${[...route.accepts].join(" or ")}`,
          {
            code: "UNSUPPORTED_MEDIA_TYPE",
          },
        );
      }
      if (req._parsed !== undefined) {
        if (req._parsed.size > limit) {
          throw new HttpError(413, `Request body is larger than the limit of ${limit} bytes`, {
            code: "PAYLOAD_TOO_LARGE",
          });
        }
      } else if (kind !== undefined) {
        req._parsed = await parseBody(req.raw, kind, limit);
        req.body = req._parsed.body;
      }
    } catch (error) {
      return this.fail(compiled, req, res, error);
    }
    return runChain(route.chain, req, res, this.finish);
  }

  /**
   * An upgrade request matched a WebSocket route: check the handshake, run the route's chain
   * (middleware, then its `upgrade` hook), then hand the socket to Bun.
   */
  private upgrade(
    compiled: Compiled,
    match: RouteMatch<CompiledRoute>,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Response | Promise<Response> {
    let refused = handshakeError(req);
    if (refused === undefined && match.values.length !== 0) {
      try {
        req.params = decodeParams(match.names, match.values);
      } catch {
        refused = new HttpError(400, "Malformed percent-encoding in URL path", { code: "MALFORMED_URI" });
      }
    }
    if (refused !== undefined) return this.fail(compiled, req, res, refused);
    return runChain(match.value.chain, req, res, this.finishUpgrade);
  }

  /** After a WebSocket route's chain: the handshake, unless the chain answered (refused) instead. */
  private finishUpgrade = (req: HarpiaRequest<any>, res: HarpiaResponse): Response | Promise<Response> => {
    if (!this.sockets.isPending(req) || res.sent) {
      if (res.statusCode === 101) res.statusCode = 200;
      return this.finish(req, res);
    }
    if (this.hooks.onSend.length === 0) return this.handshake(req, res);
    return (async () => {
      for (const hook of this.hooks.onSend) {
        try {
          await hook(req, res);
        } catch (error) {
          this.logError?.(error, req);
        }
      }
      return this.handshake(req, res);
    })();
  };

  /**
   * Upgrades through Bun. Bun wants no response after a successful upgrade, so the pipeline
   * gives it `undefined`; `onResponse` hooks see a stand-in `101` response.
   */
  private handshake(req: HarpiaRequest<any>, res: HarpiaResponse): Response | Promise<Response> {
    let upgraded: boolean;
    try {
      upgraded = this.sockets.upgrade(req, res);
    } catch (error) {
      upgraded = false;
      this.logError?.(error, req);
    }
    if (!upgraded) {
      res.statusCode = 200;
      const answered = this.respondError(
        new HttpError(400, "The WebSocket handshake failed", { code: "BAD_REQUEST" }),
        req,
        res,
      );
      return answered === undefined ? res._toResponse(false) : answered.then(() => res._toResponse(false));
    }
    if (this.hooks.onResponse.length !== 0) {
      const response = new Response(null, {
        status: 101,
        headers: res._hasHeaders ? res.headers : undefined,
      });
      for (const hook of this.hooks.onResponse) {
        try {
          const pending = hook(req, res, response);
          if (pending instanceof Promise) pending.catch((error) => this.logError?.(error, req));
        } catch (error) {
          this.logError?.(error, req);
        }
      }
    }
    return undefined as unknown as Response;
  }

  /**
   * The handler object for `Bun.serve({ websocket })`, when you call `Bun.serve` yourself:
   * `Bun.serve({ fetch: app.fetch, websocket: app.websocket })` (spread it to add options such
   * as `maxPayloadLength`). `listen()` passes it for you with `listen({ ws })`'s options.
   */
  get websocket(): WebSocketHandler<any> {
    return this.sockets.handler;
  }

  /**
   * Carries `app.publish` across instances (e.g. Redis pub/sub from `@harpia/store-redis`);
   * `undefined` makes publishing local again. See {@link PubSubAdapter}.
   */
  setPubSub(adapter: PubSubAdapter | undefined): this {
    this.sockets.setPubSub(adapter);
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
    return this.sockets.publish(topic, message);
  }

  /**
   * Delivers to this instance's subscribers of `topic` only, through Bun's native
   * `server.publish` (what a pub/sub adapter calls for messages from other instances). Returns
   * Bun's status: bytes sent, `0` when nobody here received it, `-1` under backpressure.
   */
  publishLocal(topic: string, message: string | Uint8Array): number {
    return this.sockets.publishLocal(topic, message);
  }

  /** How many WebSocket connections of this instance are subscribed to `topic`. */
  subscriberCount(topic: string): number {
    return this.sockets.subscriberCount(topic);
  }

  /** Answers an error raised before any route ran, still through the app-level middleware. */
  private fail(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    error: unknown,
  ): Response | Promise<Response> {
    const chain = compose(
      [
        ...compiled.middleware,
        () => {
          throw error;
        },
      ],
      this.respondError,
    );
    return runChain(chain, req, res, this.finish);
  }

  /** No route for this method and path: 426 on WebSocket paths, automatic OPTIONS, 405, fallbacks, then 404. */
  private unmatched(
    router: RouterEngine<CompiledRoute>,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    ws?: RouterEngine<CompiledRoute>,
  ): unknown {
    const allowed = router.allowed(req._lookupPath);
    if (ws !== undefined && ws.match("GET", req._lookupPath) !== null) {
      if (req.method === "GET" || req.method === "HEAD") {
        throw new HttpError(426, `${req.path} only accepts WebSocket connections`, {
          code: "UPGRADE_REQUIRED",
          headers: { upgrade: "websocket", connection: "Upgrade" },
        });
      }
      allowed.push("GET");
    }
    if (allowed.length > 0) {
      const allow = [...new Set([...allowed, "OPTIONS"])].filter((m) => m !== "ALL").join(", ");
      if (req.method === "OPTIONS") {
        res.status(204).header("allow", allow).send(null);
        return;
      }
      throw new HttpError(405, `Method ${req.method} is not allowed for ${req.path}`, {
        code: "METHOD_NOT_ALLOWED",
        headers: { allow },
      });
    }
    if (this._fallbacks.length === 0) return this.answerNotFound(req, res);
    return this.tryFallbacks(0, req, res);
  }

  private async tryFallbacks(index: number, req: HarpiaRequest<any>, res: HarpiaResponse): Promise<unknown> {
    for (let i = index; i < this._fallbacks.length; i++) {
      if (await this._fallbacks[i]!(req, res)) return;
    }
    return this.answerNotFound(req, res);
  }

  private answerNotFound(req: HarpiaRequest<any>, res: HarpiaResponse): unknown {
    const custom = this.notFound;
    if (custom && (custom.methods === undefined || custom.methods.has(req.method))) {
      res.status(404);
      return custom.handler(req, res, () => Promise.resolve());
    }
    throw new HttpError(404, `Cannot ${req.method} ${req.path}`, { code: "NOT_FOUND" });
  }

  /** Turns anything thrown into a response on `res`. Never rejects. */
  private respondError = (
    error: unknown,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Promise<void> | undefined => {
    res.error = error;
    const httpError = toHttpError(error);
    if (httpError.status >= 500 && this.logError) this.logError(error, req);
    const handler = this.errorHandler;
    if (handler === undefined) {
      writeErrorResponse(httpError, req, res, this.development);
      return undefined;
    }
    const fallback = (secondary: unknown) => {
      this.logError?.(secondary, req);
      writeErrorResponse(toHttpError(error), req, res, this.development);
    };
    try {
      res.status(httpError.status);
      // Headers that belong to the error (Allow on a 405, Retry-After on a 503) go out whoever answers.
      if (httpError.headers) for (const [name, value] of Object.entries(httpError.headers)) res.headers.set(name, value);
      const result = handler(error, req, res);
      if (result instanceof Promise) return result.then((value) => applyResult(res, value), fallback);
      applyResult(res, result);
    } catch (secondary) {
      fallback(secondary);
    }
    return undefined;
  };

  /**
   * Starts a Bun server. Takes the seed's `ServerOptions` (or just a port) and an optional
   * callback; returns a handle with the bound `port` and `stop()`.
   *
   * @example
   * const { port } = app.listen({ port: 0, hostname: "127.0.0.1" });
   */
  listen(options: ServerOptions | number = {}, callback?: (handle: ServerHandle) => void): ServerHandle {
    const opts: ServerOptions = typeof options === "number" ? { port: options } : options;
    validateServerOptions(opts);
    if (opts.development !== undefined) this.development = opts.development;
    if (opts.maxRequestBodySize !== undefined && opts.maxRequestBodySize !== this.listenBodyLimit) {
      this.listenBodyLimit = opts.maxRequestBodySize;
      this._invalidate();
    }
    this.compile();
    const address =
      opts.unix !== undefined
        ? { unix: opts.unix }
        : { port: opts.port ?? Number(process.env.PORT ?? 3000), hostname: opts.hostname ?? "0.0.0.0" };
    const server = Bun.serve({
      ...address,
      tls: opts.tls,
      reusePort: opts.reusePort,
      development: opts.development ?? false,
      maxRequestBodySize: opts.maxRequestBodySize,
      idleTimeout: opts.idleTimeout,
      websocket: { ...opts.ws, ...this.sockets.handler },
      fetch: (request: Request, srv: Server<any>) => this.handle(request, srv),
      error: (error: Error) => {
        this.logError?.(error, undefined);
        return new Response("Internal Server Error", { status: 500 });
      },
    } as Parameters<typeof Bun.serve>[0]);
    this.servers.add(server);
    const servers = this.servers;
    const sockets = this.sockets;
    const handle: ServerHandle = {
      server,
      port: server.port,
      hostname: server.hostname,
      url: server.url,
      async stop(force = false) {
        servers.delete(server);
        sockets.forget(server);
        await server.stop(force);
      },
    };
    callback?.(handle);
    return handle;
  }

  /** Stops every server started by `listen`; in-flight requests finish unless `force`. */
  async stop(force = false): Promise<void> {
    const running = [...this.servers];
    this.servers.clear();
    for (const server of running) this.sockets.forget(server);
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
