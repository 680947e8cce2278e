import type { Harpia, ServerHandle } from "@harpia/core";
import { hstsHeader, trimTrailingSlash } from "@harpia/core/utils";
import type { Server } from "bun";
import type { PresetServerConfig } from "../config";
import { redirectToHttps } from "./redirect";

/** The servers of a preset app. */
export interface PresetServers {
  /** The server that serves the app (HTTPS when `tls` is configured). */
  readonly main: ServerHandle;
  /** With `tls`: the plain-HTTP server that redirects to HTTPS. */
  readonly redirect: Server<undefined> | undefined;
  /** Starts serving the app (until then every request but the health probes is answered 503). */
  open(): void;
  /**
   * Stops both servers; in-flight requests finish unless `force`. Plugins stay open: prefer
   * `app.close()` (which stops them too).
   */
  stop(force?: boolean): Promise<void>;
}

/**
 * The answer while starting: 503, except for `probes` (the health paths), which the app answers
 * itself, so a liveness probe sees a live process and a readiness probe says why it is not ready.
 */
function unavailable(
  app: Harpia,
  retryAfter: number,
  probes: readonly string[],
): (request: Request) => Response | Promise<Response> {
  const seconds = String(retryAfter);
  const busy = () =>
    new Response("Service Unavailable: the server is starting", {
      status: 503,
      headers: {
        "content-type": "text/plain;charset=utf-8",
        "retry-after": seconds,
        "cache-control": "no-store",
      },
    });
  if (probes.length === 0) return busy;
  const paths = new Set(probes);
  return (request) => {
    let path: string;
    try {
      path = trimTrailingSlash(new URL(request.url).pathname);
    } catch {
      return busy();
    }
    return paths.has(path) ? app.fetch(request) : busy();
  };
}

/**
 * Listens with the app (core's `listen`, so WebSocket routes, server options and
 * `shutdownOnSignals` apply) but answers 503 until {@link PresetServers.open}, except on the
 * `probes` paths: the server is paused (Bun's handlers swapped, native routes included), so
 * once open a request costs nothing extra (no readiness check). With TLS, a second, plain-HTTP
 * server redirects GET/HEAD to HTTPS and answers 404 otherwise (it stops when the app closes),
 * and HTTPS responses carry HSTS.
 */
export function startServers(
  app: Harpia,
  config: PresetServerConfig,
  probes: readonly string[] = [],
): PresetServers {
  const tls = config.tls;
  const retryAfter = config.retryAfter ?? 5;
  const hsts = tls ? hstsHeader(config.hsts, "server.hsts") : undefined;
  const publicUrl = config.publicUrl === undefined ? undefined : new URL(config.publicUrl);
  if (publicUrl !== undefined && publicUrl.protocol !== "https:")
    throw new TypeError(`server.publicUrl must be an https: URL, got ${config.publicUrl}`);
  const envPort = process.env.PORT === undefined ? undefined : Number(process.env.PORT);
  const main = app.listen({
    port: config.port ?? envPort ?? (tls ? 443 : 3000),
    hostname: config.hostname,
    tls,
    reusePort: config.reusePort,
    idleTimeout: config.idleTimeout,
    maxRequestBodySize: config.maxRequestBodySize,
    ws: config.ws,
    shutdownOnSignals: config.shutdownOnSignals,
    shutdownTimeout: config.shutdownTimeout,
  });
  main.pause(unavailable(app, retryAfter, probes));

  let redirect: Server<undefined> | undefined;
  if (tls && config.httpPort !== false) {
    const target = { publicUrl, httpsPort: main.port ?? 443 };
    try {
      redirect = Bun.serve({
        port: config.httpPort ?? 80,
        hostname: config.hostname,
        reusePort: config.reusePort,
        fetch: (request) => redirectToHttps(request, target),
      });
    } catch (error) {
      void main.stop(true);
      throw error;
    }
    const server = redirect;
    // app.close() (or a signal with shutdownOnSignals) stops the main server; this one too.
    app.onClose(() => server.stop());
  }

  if (hsts !== undefined) {
    // Every response of the HTTPS server, including the ones Bun's native router dispatches.
    app.addHook("onSend", (_req, res) => {
      if (!res.headers.has("strict-transport-security")) res.headers.set("strict-transport-security", hsts);
    });
  }

  return {
    main,
    redirect,
    open() {
      main.resume();
    },
    async stop(force = false) {
      await Promise.all([main.stop(force), redirect?.stop(force)]);
    },
  };
}
