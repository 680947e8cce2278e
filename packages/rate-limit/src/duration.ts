import { type DurationUnit as CoreDurationUnit, secondsOf } from "@harpia/core/utils";

/**
 * Units a window {@link Duration} may use (any case): core's duration units from seconds to
 * weeks. Milliseconds and years are left out, as a window is whole seconds up to a year.
 */
export type DurationUnit = Exclude<CoreDurationUnit, "ms" | "y" | "yr" | "yrs" | "year" | "years">;

/**
 * A window length: a whole number of **seconds** (as `maxAge` of static files, session `ttl`
 * and every store TTL), or a duration with a unit: `"15s"`, `"1m"`, `"15 minutes"`, `"1h"`,
 * `"1d"`. It must come to whole seconds, from 1 second to 1 year.
 */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

/** The longest window: a year. */
export const LONGEST_WINDOW_SECONDS = 365 * 24 * 60 * 60;

/**
 * Seconds in a {@link Duration}, checked: a `TypeError` naming `option` for anything that is not
 * a whole number of seconds from 1 to a year (`0`, `-1`, `1.5`, `"500ms"`, `"60"` without a
 * unit, which Express-style code would read as milliseconds).
 */
export function durationSeconds(value: unknown, option: string): number {
  const seconds = secondsOf(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > LONGEST_WINDOW_SECONDS) {
    const shown = typeof value === "string" ? `"${value}"` : String(value);
    throw new TypeError(
      `${option} must be a whole number of seconds (1 to a year) or a duration such as "15s", "1m" or "1h", got ${shown}`,
    );
  }
  return seconds;
}
