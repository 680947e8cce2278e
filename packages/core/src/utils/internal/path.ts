/** True when `path` is `scope` or below it by whole segments (`/panel/x` is within `/panel`, `/panelx` is not). */
export function pathWithin(path: string, scope: string): boolean {
  if (scope === "/" || scope === "") return true;
  if (!path.startsWith(scope)) return false;
  return path.length === scope.length || path.charCodeAt(scope.length) === 47; /* "/" */
}

/** Drops one trailing slash (`/books/` → `/books`), keeping the root as `/`. */
export function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.charCodeAt(path.length - 1) === 47 ? path.slice(0, -1) : path;
}
