/** Filling a `:param` path and serializing a query. */

/** Matches `:name`, `:name?`, `:name(regex)` and a trailing `*` segment of a route key's path. */
const PARAM = /:([A-Za-z_$][\w$]*)(\([^)]*\))?(\?)?|\*/g;

/**
 * The path with its parameters filled in, each value encoded with `encodeURIComponent` (a
 * wildcard's `/` separators are kept). A missing required parameter is a `TypeError`; an
 * optional one that is absent drops its segment.
 */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  const filled = path.replace(PARAM, (match, name: string | undefined, _pattern, optional) => {
    const key = name ?? "*";
    const value = Object.hasOwn(params, key) ? params[key] : undefined;
    if (value === undefined || value === null || value === "") {
      if (optional || match === "*") return "\u0000";
      throw new TypeError(`Missing path parameter "${key}" for ${path}`);
    }
    if (match === "*") return String(value).split("/").map(encodeURIComponent).join("/");
    return encodeURIComponent(String(value));
  });
  // An absent optional parameter removes its segment ("/a/:b?" → "/a").
  return filled.replace(/\/\u0000/g, "").replace(/\u0000/g, "") || "/";
}

function queryValue(key: string, value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object")
    throw new TypeError(`Query parameter "${key}" must be a string, number, boolean, Date or an array of them`);
  return String(value);
}

/** Appends a query object to `url`: arrays repeat the key, `undefined` and `null` are left out. */
export function appendQuery(url: URL, query: Record<string, unknown> | undefined): void {
  if (!query) return;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined && item !== null) url.searchParams.append(key, queryValue(key, item));
    } else url.searchParams.append(key, queryValue(key, value));
  }
}
