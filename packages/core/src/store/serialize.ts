/**
 * Encodes a value for a `Store` as JSON, the one format every store shares (MemoryStore and
 * RedisStore both use this). Anything JSON would silently change or drop (functions, symbols,
 * BigInt, Map, Set, cycles, `undefined`) is refused with a `TypeError` before it is stored, so
 * what `get` returns is what was `set`, apart from the documented JSON conversions (dates
 * become ISO strings, `undefined` object properties are omitted). `undefined` itself has no
 * encoding: stores handle `set(key, undefined)` before encoding, as a delete.
 */
export function encodeStoreValue(key: string, value: unknown): string {
  if (value === undefined)
    throw new TypeError(`Cannot store undefined under "${key}" (set(key, undefined) deletes the key)`);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, function refuse(this: unknown, name: string, item: unknown) {
      const kind = typeof item;
      if (kind === "function" || kind === "symbol" || kind === "bigint") {
        throw new TypeError(`Cannot store a ${kind} under "${key}"${where(name)}: it has no JSON form`);
      }
      if (item instanceof Map || item instanceof Set) {
        const type = item instanceof Map ? "Map" : "Set";
        throw new TypeError(
          `Cannot store a ${type} under "${key}"${where(name)}: JSON would turn it into {}; store an array or object`,
        );
      }
      return item;
    });
  } catch (error) {
    if (error instanceof TypeError && /circular|cyclic/i.test(error.message)) {
      throw new TypeError(`Cannot store the value under "${key}": it contains a circular reference`);
    }
    throw error;
  }
  if (text === undefined) throw new TypeError(`Cannot store the value under "${key}": it has no JSON form`);
  return text;
}

function where(property: string): string {
  return property === "" ? "" : ` (property "${property}")`;
}
