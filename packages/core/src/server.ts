import type { Server, TLSOptions } from "bun";
import type { CompiledRoute } from "./compile";
import type { NativeTable } from "./router/native";
import { parseSize, type Size } from "./utils/size";

/** WebSocket settings applied to every `app.ws()` / `router.ws()` route (`listen({ ws })`). */
export interface WebSocketOptions {
  /** Largest incoming message, in bytes (bigger ones close the connection). */
  maxPayloadLength?: number;
  /** Seconds without traffic before the connection is closed. */
  idleTimeout?: number;
  /** Bytes buffered for a slow client before backpressure applies. */
  backpressureLimit?: number;
  /** Close connections that exceed `backpressureLimit`. */
  closeOnBackpressureLimit?: boolean;
  /** Send pings to detect dead peers. */
  sendPings?: boolean;
  /** Whether `ws.publish` also delivers to the sender. */
  publishToSelf?: boolean;
  /** permessage-deflate: `true`, or which directions to compress. */
  perMessageDeflate?: boolean | { compress?: boolean; decompress?: boolean };
}

/** Options of `app.listen()` (the seed's `ServerOptions`). */
export interface ServerOptions {
  /** TCP port; `0` picks a free one. Not together with `unix`. */
  port?: number;
  /** Interface to bind (default `0.0.0.0`). */
  hostname?: string;
  /** Unix socket path instead of a TCP port. */
  unix?: string;
  /** HTTPS: certificate and key (not with `unix`). */
  tls?: TLSOptions | TLSOptions[];
  /** Let several processes share the port (load balanced by the kernel). */
  reusePort?: boolean;
  /** Development mode: error responses include messages and stack traces. */
  development?: boolean;
  /**
   * Largest request body Bun accepts: bytes, or a size such as `"10mb"`; also the app's
   * default body limit.
   */
  maxRequestBodySize?: Size;
  /** Seconds an idle HTTP connection stays open. */
  idleTimeout?: number;
  /** WebSocket settings. */
  ws?: WebSocketOptions;
  /**
   * Close the app gracefully (`app.close()`) on SIGTERM and SIGINT (`true`), or on the signals
   * listed; the process then ends by itself. A second signal ends it at once.
   */
  shutdownOnSignals?: boolean | readonly NodeJS.Signals[];
  /** With `shutdownOnSignals`: milliseconds in-flight requests get to finish (default 10,000). */
  shutdownTimeout?: number;
}

/** What `app.listen()` returns. */
export interface ServerHandle {
  /** The Bun server. */
  readonly server: Server<any>;
  /** The bound port (the real one when `port: 0`), or undefined on a unix socket. */
  readonly port: number | undefined;
  /** The bound hostname. */
  readonly hostname: string | undefined;
  /** The server's base URL. */
  readonly url: URL;
  /**
   * Answers every request with `answer` until {@link resume} (e.g. a 503 while the app warms up),
   * swapping Bun's handlers so nothing is checked per request.
   */
  pause(answer: (request: Request) => Response | Promise<Response>): void;
  /** Serves the app again after {@link pause}. */
  resume(): void;
  /** Stops accepting connections; in-flight requests finish unless `force` is true. */
  stop(force?: boolean): Promise<void>;
}

/** Checks a listen configuration and throws a clear error for impossible combinations. */
export function validateServerOptions(options: ServerOptions): void {
  if (options === null || typeof options !== "object")
    throw new TypeError("listen() takes an options object or a port number");
  const { port, unix, tls } = options;
  if (port !== undefined && unix !== undefined) {
    throw new Error("listen(): use either `port` or `unix`, not both");
  }
  if (unix !== undefined && tls !== undefined) {
    throw new Error("listen(): `tls` cannot be used with a `unix` socket");
  }
  if (unix !== undefined && (typeof unix !== "string" || unix === "")) {
    throw new TypeError("listen(): `unix` must be a non-empty socket path");
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`listen(): \`port\` must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (options.maxRequestBodySize !== undefined)
    parseSize(options.maxRequestBodySize, "listen({ maxRequestBodySize })");
}

/** What starting a server needs from the app. */
export interface ServableApp {
  development: boolean;
  _compiled(): { native: NativeTable<CompiledRoute> };
  _useListenBodyLimit(limit: number | undefined): void;
  readonly _servers: Map<Server<any>, () => void>;
  readonly _sockets: { readonly handler: object; forget(server: Server<any>): void };
  readonly _pipeline: {
    handle(request: Request, server: Server<any>, wire: boolean): Response | Promise<Response>;
    handleNative(
      request: Bun.BunRequest,
      server: Server<any>,
      route: CompiledRoute,
    ): Response | Promise<Response>;
  };
  readonly _logError: ((error: unknown, req: undefined) => void) | undefined;
}

type BunHandler = (request: Bun.BunRequest, server: Server<any>) => Response | Promise<Response>;

/**
 * The app as Bun handlers: its native route table (matched by Bun, no URL parsing in JS) and
 * `fetch` for everything else (JS router, automatic answers, static files, upgrades).
 */
function appHandlers(app: ServableApp): {
  routes: Record<string, Record<string, BunHandler>>;
  fetch: BunHandler;
} {
  const pipeline = app._pipeline;
  const routes: Record<string, Record<string, BunHandler>> = {};
  for (const [pattern, methods] of app._compiled().native) {
    const entry: Record<string, BunHandler> = {};
    for (const [method, route] of methods)
      entry[method] = (request, srv) => pipeline.handleNative(request, srv, route);
    routes[pattern] = entry;
  }
  return { routes, fetch: (request, srv) => pipeline.handle(request, srv, true) };
}

type Reload = Parameters<Server<any>["reload"]>[0];

/** `app.listen()`: validates the options, compiles the app, starts `Bun.serve`. */
export function startServer(app: ServableApp, options: ServerOptions | number): ServerHandle {
  const opts: ServerOptions = typeof options === "number" ? { port: options } : options;
  validateServerOptions(opts);
  if (opts.development !== undefined) app.development = opts.development;
  const maxRequestBodySize =
    opts.maxRequestBodySize === undefined
      ? undefined
      : parseSize(opts.maxRequestBodySize, "listen({ maxRequestBodySize })");
  app._useListenBodyLimit(maxRequestBodySize);
  const address =
    opts.unix !== undefined
      ? { unix: opts.unix }
      : { port: opts.port ?? Number(process.env.PORT ?? 3000), hostname: opts.hostname ?? "0.0.0.0" };
  const server = Bun.serve({
    ...address,
    ...appHandlers(app),
    tls: opts.tls,
    reusePort: opts.reusePort,
    development: opts.development ?? false,
    maxRequestBodySize,
    idleTimeout: opts.idleTimeout,
    websocket: { ...opts.ws, ...app._sockets.handler },
    error: (error: Error) => {
      app._logError?.(error, undefined);
      return new Response("Internal Server Error", { status: 500 });
    },
  } as Parameters<typeof Bun.serve>[0]);
  let paused = false;
  const refresh = () => {
    if (!paused) server.reload(appHandlers(app) as Reload);
  };
  app._servers.set(server, refresh);
  return {
    server,
    port: server.port,
    hostname: server.hostname,
    url: server.url,
    pause(answer) {
      paused = true;
      server.reload({ routes: {}, fetch: (request: Request) => answer(request) } as Reload);
    },
    resume() {
      paused = false;
      refresh();
    },
    async stop(force = false) {
      app._servers.delete(server);
      app._sockets.forget(server);
      await server.stop(force);
    },
  };
}
