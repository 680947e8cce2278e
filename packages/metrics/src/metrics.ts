import { definePlugin, type Plugin, type ServerHandle } from "@harpia/core";
import { Registry } from "prom-client";
import { type Access, scrapeHandler } from "./exposure";
import { createInstruments } from "./instruments";
import { methodLabel, routeLabel, statusLabel } from "./labels";
import { type MetricsOptions, resolveOptions } from "./options";
import { type MetricsServer, startMetricsServer } from "./server";

/** The plugin's name (`app.hasPlugin("@harpia/metrics")`, `dependencies` of other plugins). */
export const PLUGIN_NAME = "@harpia/metrics";

/** What `metrics()` returns besides being a plugin. */
export interface Metrics {
  /** The prom-client registry served: register your own metrics on it (`registers: [registry]`). */
  readonly registry: Registry;
  /**
   * The metrics' URL on the separate server (`port` option, e.g. `http://127.0.0.1:9464/metrics`),
   * once `app.listen()` started it; `undefined` before, after `app.close()`, and without `port`.
   */
  readonly url: URL | undefined;
}

/** A metrics plugin: `app.use()` it, keep it to reach its registry. */
export type MetricsPlugin = Metrics & Plugin;

/**
 * Prometheus metrics for the app, through prom-client, on a registry of its own:
 *
 * - `http_requests_total{method,route,status}`: a counter of answered requests;
 * - `http_request_duration_seconds{method,route,status}`: a histogram of the time from the
 *   request entering the app to its response being ready;
 * - `http_requests_in_flight`: requests the app's servers are answering (the scrape included);
 * - `websocket_connections`: WebSocket connections open;
 * - prom-client's default process metrics (CPU, memory, event loop lag, handles...).
 *
 * `route` is the matched pattern (`/users/:id`), never the raw path, and `"(unmatched)"` when
 * no route matched; `method` is one of the standard methods or `"OTHER"`: a scan of random URLs
 * adds no series. Requests are recorded from an `onResponse` hook, so Bun's native routes stay
 * native.
 *
 * The metrics are served on `path` (`/metrics`) to a scraper with the bearer `token`, or that
 * `guard` lets through, or on a separate server on `port` (bound to `127.0.0.1` by default).
 * With none of the three, they are served only while the app is in development mode: outside
 * it, `app.use(metrics())` throws rather than publish them.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { metrics } from "@harpia/metrics";
 *
 * const app = harpia();
 * app.use(metrics({ token: process.env.METRICS_TOKEN }));
 * app.get("/users/:id", (req) => ({ id: req.params.id }));
 * app.listen(3000); // curl -H "Authorization: Bearer $METRICS_TOKEN" localhost:3000/metrics
 */
export function metrics(options?: MetricsOptions): MetricsPlugin {
  const resolved = resolveOptions(options);
  const { path, token, guard, port, hostname } = resolved;
  const registry = resolved.registry ?? new Registry();
  let server: MetricsServer | undefined;
  /** The app's servers, from `app.listen()`: Bun counts the requests each one is answering. */
  const servers: ServerHandle[] = [];

  const handle: Metrics = {
    registry,
    get url() {
      return server?.url;
    },
  };

  return definePlugin(
    {
      name: PLUGIN_NAME,
      // One per app (a second one would record every request twice), one app per plugin.
      once: true,
      setup(app) {
        const open = token === undefined && guard === undefined && port === undefined;
        if (open && !app.development)
          throw new Error(
            `${PLUGIN_NAME}: ${path} would be public. Give \`token\` (the scraper sends it as a bearer token), ` +
              "`guard` (a function deciding per request) or `port` (a separate server on 127.0.0.1); " +
              "`guard: () => true` serves the metrics to anyone. Without them, metrics are served in development mode only.",
          );
        const { duration } = createInstruments(
          { ...resolved, registry },
          {
            inFlight: () => {
              let count = 0;
              for (const { server } of servers) count += server.pendingRequests;
              return count;
            },
            webSockets: () => app.webSocketCount,
          },
        );

        app.timeRequests();
        app.addHook("onResponse", (req, _res, response) => {
          const started = req.startTime;
          duration.observe(
            {
              method: methodLabel(req.method),
              route: routeLabel(req.route),
              status: statusLabel(response.status),
            },
            started === undefined ? 0 : (performance.now() - started) / 1000,
          );
        });

        const access: Access = { token, guard, developmentOnly: open ? app : undefined };
        const scrape = scrapeHandler(registry, access);
        app.addHook("onListen", (listening) => {
          servers.push(listening);
          if (port !== undefined && server === undefined)
            server = startMetricsServer({ path, port, hostname, scrape, development: app.development });
        });
        if (port === undefined) app.get(path, scrape);
        app.onClose(async () => {
          const stopping = server;
          server = undefined;
          servers.length = 0;
          await stopping?.close();
        });
      },
    },
    handle,
  );
}
