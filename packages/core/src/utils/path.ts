/**
 * True when `path` is `scope` or below it by whole segments (`/panel/x` is within `/panel`,
 * `/panelx` is not). Both are URL paths; `/` and `""` contain everything.
 */
export function pathWithin(path: string, scope: string): boolean {
  if (scope === "/" || scope === "") return true;
  if (!path.startsWith(scope)) return false;
  return path.length === scope.length || path.charCodeAt(scope.length) === 47; /* "/" */
}

/** Drops one trailing slash (`/books/` → `/books`), keeping the root as `/`. */
export function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.charCodeAt(path.length - 1) === 47 ? path.slice(0, -1) : path;
}

/** Drops every leading and trailing slash (`"/api/v1/"` → `"api/v1"`). */
export function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 47) start++;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(start, end);
}
