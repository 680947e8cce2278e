/** Filling a `:param` path and serializing a query. */

/** A segment's parameters: `:name`, `:name?`, `:name(regex)`, or a whole `*` segment. */
const PARAM = /:([A-Za-z_$][\w$]*)(?:\([^)]*\))?(\?)?/g;

function paramValue(params: Record<string, unknown>, key: string): string | undefined {
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  return value === undefined || value === null || value === "" ? undefined : String(value);
}

/**
 * The path with its parameters filled in, each value encoded with `encodeURIComponent` (a
 * wildcard's `/` separators are kept). A missing required parameter is a `TypeError`; an
 * absent optional one (or wildcard) drops its segment.
 */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "*") {
      const value = paramValue(params, "*");
      if (value !== undefined) segments.push(value.split("/").map(encodeURIComponent).join("/"));
      continue;
    }
    let dropped = false;
    const filled = segment.replace(PARAM, (_match, name: string, optional: string | undefined) => {
      const value = paramValue(params, name);
      if (value !== undefined) return encodeURIComponent(value);
      if (!optional) throw new TypeError(`Missing path parameter "${name}" for ${path}`);
      dropped = true;
      return "";
    });
    if (!(dropped && filled === "")) segments.push(filled);
  }
  return segments.join("/") || "/";
}

function queryValue(key: string, value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object")
    throw new TypeError(
      `Query parameter "${key}" must be a string, number, boolean, Date or an array of them`,
    );
  return String(value);
}

/** Appends a query object to `url`: arrays repeat the key, `undefined` and `null` are left out. */
export function appendQuery(url: URL, query: Record<string, unknown> | undefined): void {
  if (!query) return;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value)
        if (item !== undefined && item !== null) url.searchParams.append(key, queryValue(key, item));
    } else url.searchParams.append(key, queryValue(key, value));
  }
}
