const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * Bytes in a size: a number of bytes, or a string such as `"100kb"`, `"1.5mb"`, `"512b"` (units
 * of 1024, as Express's body-parser reads them). Throws a `TypeError` for anything else.
 */
export function parseSize(value: number | string, option: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value > 0) return Math.floor(value);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
    if (match) {
      const bytes = Math.floor(Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()]!);
      if (bytes > 0) return bytes;
    }
  }
  throw new TypeError(
    `${option}: expected a positive size such as 102400 or "100kb", got ${JSON.stringify(value)}`,
  );
}
