/** How long clients may cache a file: seconds, or a duration such as `"10m"`, `"1h"`, `"7d"`, `"1y"`. */
export type MaxAge = number | `${number}${"s" | "m" | "h" | "d" | "w" | "y"}`;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A year: the longest `max-age` worth sending (RFC 9111 caches treat larger values alike). */
const ONE_YEAR = 31_536_000;

/**
 * Seconds in a {@link MaxAge}, capped at one year. Throws a `TypeError` at registration for a
 * value that is not a non-negative number or a duration string.
 */
export function maxAgeSeconds(value: MaxAge | undefined): number {
  if (value === undefined) return 0;
  let seconds: number;
  if (typeof value === "number") {
    seconds = value;
  } else {
    const match = /^(\d+(?:\.\d+)?)\s*([smhdwy])$/.exec(String(value).trim());
    if (!match)
      throw new TypeError(`maxAge: expected seconds or a duration like "1h" or "7d", got "${value}"`);
    seconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  }
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new TypeError(`maxAge must be a non-negative number of seconds, got ${value}`);
  return Math.min(Math.floor(seconds), ONE_YEAR);
}

/** Options that produce a `Cache-Control` header for files. */
export interface CacheControlOptions {
  /** How long clients may reuse the file without asking again (default 0: always revalidate). */
  maxAge?: MaxAge;
  /** Adds `immutable`: the file at this URL never changes (fingerprinted assets). Default `false`. */
  immutable?: boolean;
  /** `false` sends no `Cache-Control`; a string is sent as is (overrides `maxAge`/`immutable`). */
  cacheControl?: boolean | string;
}

/** The `Cache-Control` value for these options, or `undefined` for none. Computed once at registration. */
export function cacheControlValue(options: CacheControlOptions): string | undefined {
  if (options.cacheControl === false) return undefined;
  if (typeof options.cacheControl === "string") return options.cacheControl;
  const seconds = maxAgeSeconds(options.maxAge);
  return `public, max-age=${seconds}${options.immutable ? ", immutable" : ""}`;
}
