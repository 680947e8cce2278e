import ms from "ms";
import { type DurationUnit, secondsOf } from "../utils/duration";

/**
 * How long clients may cache a file: a number of **seconds** (not milliseconds, unlike
 * Express), or a duration with a unit such as `"30m"`, `"2h"`, `"7d"`, `"1 day"`, `"1y"`.
 */
export type MaxAge = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

/** A year: the longest `max-age` worth sending (RFC 9111 caches treat larger values alike). */
const ONE_YEAR = 31_536_000;

/**
 * Seconds in a {@link MaxAge}, capped at one year. Throws a `TypeError` naming `maxAge` for
 * anything else than a non-negative number of seconds or a duration string with a unit (a
 * string without one, `"3600"`, is refused: Express reads it as milliseconds, we as seconds).
 */
export function maxAgeSeconds(value: MaxAge | undefined): number {
  if (value === undefined) return 0;
  const seconds = secondsOf(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    const shown = typeof value === "string" ? `"${value}"` : String(value);
    throw new TypeError(
      `maxAge: expected a non-negative number of seconds or a duration like "30m", "1h" or "7d", got ${shown}`,
    );
  }
  return Math.min(Math.floor(seconds), ONE_YEAR);
}

/**
 * Whether a numeric `maxAge` was probably written in milliseconds (Express's unit): a whole
 * number of minutes in milliseconds (`60000`, `3600000`, `86400000`), or more than a year of
 * seconds in round thousands. Only ever used to warn.
 */
export function looksLikeMilliseconds(value: MaxAge | undefined): value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) return false;
  return (value >= 60_000 && value % 60_000 === 0) || (value > ONE_YEAR && value % 1000 === 0);
}

/** The warning for a `maxAge` that {@link looksLikeMilliseconds}, suggesting the string to write. */
export function millisecondsWarning(value: number): string {
  const short = ms(value);
  const meant = ms(short as ms.StringValue) === value ? short : `${value / 1000}s`;
  return (
    `[harpia] static maxAge: ${value} is read as seconds (Cache-Control: max-age=${maxAgeSeconds(value)}), ` +
    `but it looks like milliseconds. maxAge is in seconds: for ${meant}, write maxAge: "${meant}" ` +
    `(or ${value / 1000}).`
  );
}

/** Options that produce a `Cache-Control` header for files. */
export interface CacheControlOptions {
  /**
   * How long clients may reuse the file without asking again: **seconds**, or a duration
   * string (`"10m"`, `"1h"`, `"7d"`, `"1y"`); capped at a year. Default 0 (always revalidate).
   */
  maxAge?: MaxAge;
  /** Adds `immutable`: the file at this URL never changes (fingerprinted assets). Default `false`. */
  immutable?: boolean;
  /** `false` sends no `Cache-Control`; a string is sent as is (overrides `maxAge`/`immutable`). */
  cacheControl?: boolean | string;
}

/** The `Cache-Control` value for these options, or `undefined` for none. Computed once at registration. */
export function cacheControlValue(options: CacheControlOptions): string | undefined {
  const { cacheControl, immutable } = options;
  if (immutable !== undefined && typeof immutable !== "boolean")
    throw new TypeError(`immutable: expected true or false, got ${String(immutable)}`);
  const seconds = maxAgeSeconds(options.maxAge);
  if (cacheControl === false) return undefined;
  if (typeof cacheControl === "string") {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (cacheControl.trim() === "" || /[\u0000-\u001f\u007f]/.test(cacheControl))
      throw new TypeError("cacheControl: expected a header value without control characters");
    return cacheControl;
  }
  if (cacheControl !== undefined && cacheControl !== true)
    throw new TypeError(`cacheControl: expected a boolean or a string, got ${String(cacheControl)}`);
  return `public, max-age=${seconds}${immutable ? ", immutable" : ""}`;
}
