import type { RedisClient } from "./connection";
import { StoreUnavailableError } from "./errors";

/** Where connection trouble is reported: a function, `true` for `console.warn`, `false` for silence. */
export type OutageLogger = boolean | ((message: string, error?: unknown) => void);

/**
 * Decides, before a command is sent, whether Redis can be expected to answer, so that during
 * an outage every call fails at once with a {@link StoreUnavailableError} instead of waiting
 * for a timeout or piling up in ioredis's offline queue (and running long after its caller
 * gave up).
 *
 * A command that fails for connection reasons opens a short circuit (`retryAfterMs`): calls
 * fail fast until it elapses, then the next call probes Redis again. When the client
 * reconnects (`ready`), the circuit closes at once. This also covers a server that stops
 * answering while its socket stays open, which ioredis only notices through timeouts.
 */
export class Availability {
  private openUntil = 0;
  private connectedOnce = false;
  private outage = false;
  private closed = false;
  private readonly log: ((message: string, error?: unknown) => void) | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly retryAfterMs: number,
    logger: OutageLogger,
    owned: boolean,
  ) {
    this.log =
      logger === false
        ? undefined
        : logger === true
          ? (message, error) => console.warn(`[harpia/store-redis] ${message}`, error ?? "")
          : logger;
    this.connectedOnce = client.status === "ready";
    client.on("ready", this.onReady);
    // Without a listener ioredis prints every failed reconnection attempt; the store reports
    // an outage once instead. A client passed in by the user keeps its own error handling.
    if (owned) client.on("error", this.onError);
  }

  private readonly onReady = (): void => {
    this.connectedOnce = true;
    this.openUntil = 0;
    if (this.outage) {
      this.outage = false;
      this.log?.("Redis is reachable again");
    }
  };

  private readonly onError = (error: unknown): void => this.failed(error);

  /** Throws when a command would not be answered now. */
  check(operation: string): void {
    if (this.closed) throw new StoreUnavailableError(operation, new Error("The RedisStore was closed"));
    const status = this.client.status;
    const reachable =
      status === "ready" ||
      status === "wait" ||
      (!this.connectedOnce && (status === "connecting" || status === "connect"));
    if (!reachable) throw new StoreUnavailableError(operation, new Error(`Redis connection is ${status}`));
    if (this.openUntil !== 0 && Date.now() < this.openUntil)
      throw new StoreUnavailableError(
        operation,
        new Error("Redis did not answer recently"),
        this.retryAfterMs / 1000,
      );
  }

  /** Records a connection failure: opens the circuit and reports the outage once. */
  failed(error: unknown): void {
    this.openUntil = Date.now() + this.retryAfterMs;
    if (!this.outage && !this.closed) {
      this.outage = true;
      this.log?.("Redis is unavailable; store calls fail with 503 until it is back:", error);
    }
  }

  /** Records a successful command. */
  succeeded(): void {
    this.openUntil = 0;
    if (this.outage && this.client.status === "ready") this.onReady();
  }

  /** Seconds a client should wait before retrying. */
  get retryAfterSeconds(): number {
    return this.retryAfterMs / 1000;
  }

  /** Every later call fails; the error listener stays so a closing client stays quiet. */
  close(): void {
    this.closed = true;
    this.client.off("ready", this.onReady);
  }
}
