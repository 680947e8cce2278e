import ms from "ms";
import { describeValue } from "./internal/check";

/** Units a duration string may use (any case), as the `ms` package reads them. */
export type DurationUnit =
  | "ms"
  | "s"
  | "sec"
  | "secs"
  | "second"
  | "seconds"
  | "m"
  | "min"
  | "mins"
  | "minute"
  | "minutes"
  | "h"
  | "hr"
  | "hrs"
  | "hour"
  | "hours"
  | "d"
  | "day"
  | "days"
  | "w"
  | "week"
  | "weeks"
  | "y"
  | "yr"
  | "yrs"
  | "year"
  | "years";

/**
 * A length of time: a whole number of **milliseconds**, or a number with a unit such as
 * `"500ms"`, `"30s"`, `"2m"`, `"1 hour"`.
 */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

/** The longest delay a timer can wait (`setTimeout` fires at once past 2^31 - 1 ms, ~24.8 days). */
export const LONGEST_DURATION_MS = 2 ** 31 - 1;

/**
 * Milliseconds in a {@link Duration} option, checked: a positive whole number of milliseconds,
 * or a string with a unit (`"500ms"`, `"30s"`, `"2m"`; a string without one, `"30"`, is refused
 * rather than guessed), rounded down to whole milliseconds, from 1 ms to about 24 days (what a
 * timer can wait). Anything else (`0`, `-1`, `1.5`, `NaN`, `"soon"`) throws a `TypeError`
 * naming `option`.
 *
 * @example
 * parseDuration("30s", "timeout"); // 30000
 * parseDuration(250, "timeout"); // 250
 * parseDuration("30", "timeout"); // TypeError: ... a duration such as "30s"
 */
export function parseDuration(value: Duration, option: string): number {
  let millis = Number.NaN;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) millis = value;
  } else if (typeof value === "string" && /[a-z]\s*$/i.test(value)) {
    const parsed = ms(value.trim() as ms.StringValue);
    if (typeof parsed === "number") millis = Math.floor(parsed);
  }
  if (millis >= 1 && millis <= LONGEST_DURATION_MS) return millis;
  throw new TypeError(
    `${option}: expected a positive whole number of milliseconds or a duration such as "500ms", "30s" or "2m" (at most 24 days), got ${describeValue(value)}`,
  );
}

/**
 * Seconds in a number of seconds or a duration string with a unit (`"30m"`, `"1 day"`, read by
 * the `ms` package), unchecked: `NaN` for anything else, including a string without a unit
 * (`"3600"`, which Express-style code would mean as milliseconds). Callers apply their own range
 * and name the option in their error (static `maxAge`, a rate limit's `window`).
 *
 * @example
 * secondsOf("2h"); // 7200
 * secondsOf(90); // 90
 * secondsOf("90"); // NaN
 */
export function secondsOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || !/[a-z]\s*$/i.test(value)) return Number.NaN;
  const parsed = ms(value.trim() as ms.StringValue);
  return typeof parsed === "number" ? parsed / 1000 : Number.NaN;
}
