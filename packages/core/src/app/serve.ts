/**
 * `app.listen()` and `app.stop()`: the app served by `Bun.serve`, with its native route table
 * (matched by Bun) and `fetch` for everything else; each request reads the app's current
 * compiled form once. Also the signal handlers and `onListen` hooks `listen()` sets off.
 */
import type { Server } from "bun";
import type { CloseOptions } from "../close-options";
import type { CompiledApp } from "../pipeline/compiled";
import { handleNative, handleRequest } from "../pipeline/fetch";
import { type ServerHandle, type ServerOptions, validateServerOptions } from "../server";
import { parseSize } from "../utils/size";
import { nativeStatic } from "./native-static";
import { shutdownOnSignals } from "./shutdown";
import type { AppState } from "./state";

/** What serving needs from the app: its state, its compiled form, and telling it of a change. */
export interface ServeHost {
  readonly state: AppState;
  /** The compiled app, compiled now if the registrations changed. */
  current(): CompiledApp;
  /** The compiled app is stale (recompiled on next use; running servers are refreshed). */
  invalidate(): void;
}

type BunHandler = (request: Bun.BunRequest, server: Server<any>) => Response | Promise<Response>;

/**
 * The app as Bun handlers: its native route table (matched by Bun, no URL parsing in JS), with
 * the static files it can answer with prepared responses, and `fetch` for everything else (JS
 * router, automatic answers, other static files, upgrades).
 */
function appHandlers(host: ServeHost): {
  routes: Record<string, Record<string, BunHandler>>;
  fetch: BunHandler;
} {
  // The native table and its routes belong to one compiled app; a change re-applies both.
  const compiled = host.current();
  const fetch: BunHandler = (request, srv) => handleRequest(host.current(), request, srv, true);
  // No file path is a route's (they are left out): the two sets never share a key.
  const routes = nativeStatic(host.state).routes(compiled, fetch);
  for (const [pattern, methods] of compiled.native) {
    const entry: Record<string, BunHandler> = {};
    for (const [method, route] of methods)
      entry[method] = (request, srv) => handleNative(compiled, request, srv, route);
    routes[pattern] = entry;
  }
  return { routes, fetch };
}

type Reload = Parameters<Server<any>["reload"]>[0];

/** `app.listen()`: validates the options, compiles the app, starts `Bun.serve`. */
export function startServer(host: ServeHost, options: ServerOptions | number): ServerHandle {
  const { state } = host;
  const opts: ServerOptions = typeof options === "number" ? { port: options } : options;
  validateServerOptions(opts);
  if (opts.development !== undefined) state.development = opts.development;
  const maxRequestBodySize =
    opts.maxRequestBodySize === undefined
      ? undefined
      : parseSize(opts.maxRequestBodySize, "listen({ maxRequestBodySize })");
  // `listen({ maxRequestBodySize })` becomes the default body limit.
  if (maxRequestBodySize !== undefined && maxRequestBodySize !== state.listenBodyLimit) {
    state.listenBodyLimit = maxRequestBodySize;
    host.invalidate();
  }
  const address =
    opts.unix !== undefined
      ? { unix: opts.unix }
      : { port: opts.port ?? Number(process.env.PORT ?? 3000), hostname: opts.hostname ?? "0.0.0.0" };
  const files = nativeStatic(state);
  if (!state.development) files.scan();
  const server = Bun.serve({
    ...address,
    ...appHandlers(host),
    tls: opts.tls,
    reusePort: opts.reusePort,
    development: opts.development ?? false,
    maxRequestBodySize,
    idleTimeout: opts.idleTimeout,
    websocket: { ...opts.ws, ...state.sockets.handler },
    error: (error: Error) => {
      state.report?.(error, undefined);
      return new Response("Internal Server Error", { status: 500 });
    },
  } as Parameters<typeof Bun.serve>[0]);
  let paused = false;
  const refresh = () => {
    if (!paused) server.reload(appHandlers(host) as Reload);
  };
  state.servers.set(server, refresh);
  if (!state.development) files.watch();
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
      state.servers.delete(server);
      state.sockets.forget(server);
      await server.stop(force);
    },
  };
}

/**
 * `app.listen(options, callback)`: checks `shutdownOnSignals` before any server starts, starts
 * one (`startServer`), installs the signal handlers, then hands the server's handle to
 * `callback` and to every `onListen` hook (what a hook throws or rejects with is reported).
 */
export function listenApp(
  app: { close(options?: CloseOptions): Promise<void> },
  host: ServeHost,
  options: ServerOptions | number,
  callback: ((handle: ServerHandle) => void) | undefined,
): ServerHandle {
  const { state } = host;
  const onSignals =
    typeof options === "object" && options?.shutdownOnSignals
      ? shutdownOnSignals(app, state, options.shutdownOnSignals, {
          timeout: options.shutdownTimeout,
          drain: options.shutdownDrain,
          hookTimeout: options.shutdownHookTimeout,
        })
      : undefined;
  const handle = startServer(host, options);
  onSignals?.();
  callback?.(handle);
  for (const hook of state.hooks.onListen) {
    try {
      const pending = hook(handle);
      if (pending instanceof Promise) pending.catch((error) => state.report?.(error, undefined));
    } catch (error) {
      state.report?.(error, undefined);
    }
  }
  return handle;
}

/** `app.stop(force)`: stops every server `listen` started (forgetting their sockets). */
export async function stopServers(state: AppState, force: boolean): Promise<void> {
  const running = [...state.servers.keys()];
  state.servers.clear();
  for (const server of running) state.sockets.forget(server);
  await Promise.all(running.map((server) => server.stop(force)));
}
