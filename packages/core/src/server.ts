/** `app.listen()`'s options and handle, and checking the options. */
import type { Server, TLSOptions } from "bun";
import type { DrainOptions } from "./close-options";
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
  /**
   * With `shutdownOnSignals`: drain for this many milliseconds before the servers stop (default
   * 0), or `{ duration, keepServing }`: `app.close({ drain })`, for a load balancer to move
   * traffic away first. Keep it below the balancer's `fail_timeout`.
   */
  shutdownDrain?: number | DrainOptions;
  /** With `shutdownOnSignals`: milliseconds each `onClose` hook gets (`app.close({ hookTimeout })`). */
  shutdownHookTimeout?: number;
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
