import type { Harpia, ServerHandle } from "@harpia/core";
import type { Server } from "bun";
import type { PresetServerConfig } from "../config";
import { hstsValue, withHeader } from "./hsts";
import { redirectToHttps } from "./redirect";

/** The servers of a preset app. */
export interface PresetServers {
  /** The server that serves the app (HTTPS when `tls` is configured). */
  readonly main: ServerHandle;
  /** With `tls`: the plain-HTTP server that redirects to HTTPS. */
  readonly redirect: Server<undefined> | undefined;
  /** Starts serving the app (until then every request is answered 503). */
  open(): void;
  /** Stops both servers; in-flight requests finish unless `force`. */
  stop(force?: boolean): Promise<void>;
}

type FetchHandler = (
  request: Request,
  server: Server<any>,
) => Response | Promise<Response | undefined> | undefined;

function unavailable(retryAfter: number): FetchHandler {
  const seconds = String(retryAfter);
  return () =>
    new Response("Service Unavailable: the server is starting", {
      status: 503,
      headers: {
        "content-type": "text/plain;charset=utf-8",
        "retry-after": seconds,
        "cache-control": "no-store",
      },
    });
}

/**
 * Listens with the app (core's `listen`, so WebSocket routes and server options apply) but
 * answers 503 until {@link PresetServers.open}: the handler is swapped with Bun's
 * `server.reload`, so once open a request costs nothing extra (no readiness check per request).
 * With TLS, a second, plain-HTTP server redirects GET/HEAD to HTTPS and answers 404 otherwise,
 * and HTTPS responses carry HSTS.
 */
export function startServers(app: Harpia, config: PresetServerConfig): PresetServers {
  const tls = config.tls;
  const retryAfter = config.retryAfter ?? 5;
  const hsts = tls ? hstsValue(config.hsts) : undefined;
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
  });
  main.server.reload({ fetch: unavailable(retryAfter) } as Parameters<Server<any>["reload"]>[0]);

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
  }

  const serve: FetchHandler =
    hsts === undefined
      ? (request, server) => app.fetch(request, server)
      : (request, server) =>
          app.fetch(request, server).then((response) =>
            // A WebSocket upgrade resolves to no response: nothing to add a header to.
            response === undefined ? response : withHeader(response, "strict-transport-security", hsts),
          );

  return {
    main,
    redirect,
    open() {
      main.server.reload({ fetch: serve } as Parameters<Server<any>["reload"]>[0]);
    },
    async stop(force = false) {
      await Promise.all([main.stop(force), redirect?.stop(force)]);
    },
  };
}
