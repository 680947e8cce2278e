import type { HarpiaResponse } from "../response";

/**
 * Adds a field to the response's `Vary` header, once: caches then keep one copy per value of
 * that request header (`Vary: Origin`, `Vary: Accept-Encoding`). `Vary: *` is left alone.
 *
 * @example
 * vary(res, "Accept-Language");
 */
export function vary(res: HarpiaResponse, field: string): void {
  const headers = res.headers;
  const current = headers.get("vary");
  if (current === null || current.trim() === "") {
    headers.set("vary", field);
    return;
  }
  const wanted = field.toLowerCase();
  for (const existing of current.split(",")) {
    const name = existing.trim().toLowerCase();
    if (name === "*" || name === wanted) return;
  }
  headers.set("vary", `${current}, ${field}`);
}
