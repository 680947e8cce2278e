/**
 * A `Vary` value with `fields` added to `current`, each once (case-insensitive); `*` absorbs
 * everything. Used by {@link vary} and when a returned `Response` is merged with `res` headers.
 */
export function mergeVary(current: string | null, fields: string): string {
  if (current === null || current.trim() === "") return fields;
  const names = current.split(",").map((f) => f.trim().toLowerCase());
  if (names.includes("*")) return current;
  let out = current;
  for (const field of fields.split(",")) {
    const name = field.trim();
    if (name === "*") return "*";
    if (name !== "" && !names.includes(name.toLowerCase())) {
      out = `${out}, ${name}`;
      names.push(name.toLowerCase());
    }
  }
  return out;
}

/**
 * Adds a field to the response's `Vary` header, once: caches then keep one copy per value of
 * that request header (`Vary: Origin`, `Vary: Accept-Encoding`). `Vary: *` is left alone.
 * Takes a `HarpiaResponse` (or anything with `headers`).
 *
 * @example
 * vary(res, "Accept-Language");
 */
export function vary(res: { readonly headers: Headers }, field: string): void {
  const headers = res.headers;
  const current = headers.get("vary");
  const next = mergeVary(current, field);
  if (next !== current) headers.set("vary", next);
}
