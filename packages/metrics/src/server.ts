import { type HarpiaRequest, type HarpiaResponse, harpia } from "@harpia/core";

/** The separate metrics server (`port` option). */
export interface MetricsServer {
  /** Where it listens. */
  readonly url: URL;
  /** Stops it: scrapes in progress finish (for at most a second). */
  close(): Promise<void>;
}

/** What the separate server serves. */
export interface MetricsServerOptions {
  readonly path: string;
  readonly port: number;
  readonly hostname: string;
  /** The scrape route's handler (access checks included). */
  readonly scrape: (req: HarpiaRequest<any>, res: HarpiaResponse) => Promise<void>;
  /** Detailed error responses, as the app's. */
  readonly development: boolean;
}

/** Longest a scrape in progress may hold up `app.close()`, in milliseconds. */
const CLOSE_TIMEOUT = 1_000;

/**
 * Starts a server of its own for the metrics: a small Harpia app that serves `path` (and 404
 * elsewhere), so the app's middleware, hooks and request metrics never see scrapes.
 */
export function startMetricsServer(options: MetricsServerOptions): MetricsServer {
  const { path, port, hostname, scrape, development } = options;
  const app = harpia({ development });
  app.get(path, scrape);
  const { url } = app.listen({ port, hostname });
  return {
    url: new URL(path, url),
    close: () => app.close({ timeout: CLOSE_TIMEOUT }),
  };
}
