import type { HarpiaRequest } from "@harpia/core";
import { checkOptionKeys } from "@harpia/core/utils";

/** Options of {@link requestId}. Every one is checked when `requestId(options)` is called. */
export interface RequestIdOptions {
  /** The request and response header that carries the id (default `"X-Request-Id"`). */
  header?: string;
  /**
   * Keep a valid id the client (or the proxy in front) sent in `header` (default `true`). Set it
   * to `false` when the app faces clients directly and ids must be the app's own: every request
   * then gets a generated one.
   */
  trustIncoming?: boolean;
  /**
   * Longest incoming id kept, in characters (default 128, at most 1024). Longer ones are
   * replaced by a generated id, never echoed.
   */
  maxLength?: number;
  /**
   * Makes an id when the request brings no valid one (default `Bun.randomUUIDv7()`: unique and
   * ordered by time). It must return an id of the same form as incoming ones: 1 to `maxLength`
   * characters of `A-Z a-z 0-9 . _ : @ / + = -`.
   */
  generate?: (req: HarpiaRequest<any>) => string;
}

/** The options, checked and with their defaults. */
export interface ResolvedOptions {
  /** The header name, lower case. */
  readonly header: string;
  readonly trustIncoming: boolean;
  readonly maxLength: number;
  readonly generate: ((req: HarpiaRequest<any>) => string) | undefined;
}

/** The default and the largest `maxLength`. */
const DEFAULT_MAX_LENGTH = 128;
const LARGEST_MAX_LENGTH = 1024;

/** A header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const KNOWN = new Set(["header", "trustIncoming", "maxLength", "generate"]);

/** Checks `options` once, at `requestId(options)`: a `TypeError` names the first bad option. */
export function resolveOptions(options: RequestIdOptions | undefined): ResolvedOptions {
  options = checkOptionKeys(options ?? {}, "requestId()", KNOWN);
  const { header = "X-Request-Id", trustIncoming = true, maxLength = DEFAULT_MAX_LENGTH, generate } = options;
  if (typeof header !== "string" || !TOKEN.test(header))
    throw new TypeError(`requestId({ header }) must be a header name, got ${JSON.stringify(header)}`);
  if (typeof trustIncoming !== "boolean")
    throw new TypeError(`requestId({ trustIncoming }) must be a boolean, got ${typeof trustIncoming}`);
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > LARGEST_MAX_LENGTH)
    throw new TypeError(
      `requestId({ maxLength }) must be an integer from 1 to ${LARGEST_MAX_LENGTH}, got ${String(maxLength)}`,
    );
  if (generate !== undefined && typeof generate !== "function")
    throw new TypeError(`requestId({ generate }) must be a function, got ${typeof generate}`);
  return { header: header.toLowerCase(), trustIncoming, maxLength, generate };
}
