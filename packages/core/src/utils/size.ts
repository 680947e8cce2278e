import { describeValue } from "./internal/check";

/** A size in bytes: a whole number, or a string with a unit such as `"100kb"` or `"1.5MiB"`. */
export type Size = number | string;

/** Multipliers by unit; `kb` and `kib` alike are 1024 bytes, as Express's body-parser reads them. */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i;

/**
 * Bytes in a size option, checked: a positive whole number of bytes (at most
 * `Number.MAX_SAFE_INTEGER`), or a string of a number and a unit (`b`, `kb`, `mb`, `gb`, `tb`,
 * or `kib`, `mib`... — all in units of 1024, case-insensitive), rounded down to whole bytes.
 * Anything else (`NaN`, `Infinity`, `1.5`, `-1`, `0`, `"1e3"`, `[]`) throws a `TypeError` that
 * names `option`, so a misconfigured limit fails at start instead of silently lifting the limit.
 *
 * @example
 * parseSize("100kb", "bodyLimit"); // 102400
 * parseSize("1.5MiB", "bodyLimit"); // 1572864
 * parseSize(Number(process.env.BODY_LIMIT), "bodyLimit"); // TypeError when unset (NaN)
 */
export function parseSize(value: Size, option: string): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value > 0) return value;
  } else if (typeof value === "string") {
    const match = SIZE.exec(value);
    if (match) {
      const bytes = Math.floor(Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()]!);
      if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
    }
  }
  throw new TypeError(
    `${option}: expected a positive whole number of bytes or a size such as "100kb" or "1.5mb", got ${describeValue(value)}`,
  );
}

/** Like {@link parseSize}, for an optional option: `undefined` stays `undefined`. */
export function optionalSize(value: Size | undefined, option: string): number | undefined {
  return value === undefined ? undefined : parseSize(value, option);
}
