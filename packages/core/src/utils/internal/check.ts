/** A short description of a value for an error message (`NaN`, `"abc"`, `an array`). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A positive whole number option, checked: anything else throws a `TypeError` naming `option`. */
export function positiveInteger(value: unknown, option: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(`${option}: expected a positive whole number, got ${describeValue(value)}`);
}
