import { HttpError, StoreTypeError } from "@harpia/core";

/**
 * Thrown by every `RedisStore` operation while Redis cannot be reached (connection refused or
 * lost, reconnecting, a command timed out, the server loading or out of memory). It is an
 * `HttpError` with status 503 and a `Retry-After` header, so a route that uses the store
 * answers `503 Service Unavailable` through the default error handler instead of a 500.
 * The Redis error is kept as `cause` for logs; the client only sees a generic message.
 */
export class StoreUnavailableError extends HttpError {
  /** The store operation that failed (`get`, `set`, `increment`, ...). */
  readonly operation: string;

  constructor(operation: string, cause?: unknown, retryAfterSeconds = 1) {
    super(503, "Service temporarily unavailable: the data store cannot be reached", {
      code: "STORE_UNAVAILABLE",
      expose: true,
      cause,
      headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
    this.name = "StoreUnavailableError";
    this.operation = operation;
  }
}

/** True for a {@link StoreUnavailableError}, including one from another copy of this package. */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return (
    error instanceof StoreUnavailableError || (error as Error | undefined)?.name === "StoreUnavailableError"
  );
}

/**
 * Redis reply errors meaning "the server cannot serve right now", not "your command is wrong";
 * on a Cluster, also a redirection still pending once the client gave up following it
 * (`MOVED`/`ASK` during a failover or resharding: the command was not executed).
 */
const TRANSIENT_REPLIES =
  /^(LOADING|BUSY|OOM|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|MOVED|ASK)\b/;
const NOT_A_NUMBER = /not an integer|not a valid float|out of range/i;

/** How a failed command is reported: a type mismatch, an outage, or as it came. */
export type FailureKind = "wrong-type" | "not-a-number" | "unavailable" | "other";

/** Sorts an ioredis error into a {@link FailureKind}. */
export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof Error)) return "other";
  if (error.name === "ReplyError") {
    if (error.message.startsWith("WRONGTYPE")) return "wrong-type";
    if (NOT_A_NUMBER.test(error.message)) return "not-a-number";
    return TRANSIENT_REPLIES.test(error.message) ? "unavailable" : "other";
  }
  // Anything raised by the client itself rather than by the server is a connection problem:
  // closed or unwritable stream, timeout, retries exhausted, refused or reset sockets,
  // unreachable sentinels, a cluster without usable nodes.
  return "unavailable";
}

const KIND_NAMES: Record<string, string> = { string: "value", hash: "hash", set: "set", list: "list" };

/** A core `StoreTypeError` for a key whose Redis type (`TYPE`) is `redisType`. */
export function wrongType(key: string, expected: string, redisType: string): StoreTypeError {
  return new StoreTypeError(key, expected, KIND_NAMES[redisType] ?? redisType);
}
