/** Verbs a `routes` key may start with (`all` answers every method). */
export const ROUTE_VERBS = ["get", "post", "put", "delete", "patch", "options", "head", "all"] as const;

/** A `routes` key split into its parts: `'get /pets/:id'` → `{ method: "GET", path: "/pets/:id" }`. */
export interface RouteKey {
  method: string;
  path: string;
}

const KEY = /^([A-Za-z]+)\s+(\S+)$/;

/**
 * Parses a `routes` key. Returns a reason string instead of throwing so the caller can name
 * the file and key in one message.
 */
export function parseRouteKey(key: string): RouteKey | string {
  const match = KEY.exec(key.trim());
  if (match === null) return `expected "<method> <path>", e.g. 'get /hello/world'`;
  const verb = match[1]!.toLowerCase();
  if (!(ROUTE_VERBS as readonly string[]).includes(verb)) {
    return `unknown method "${match[1]}"; use one of ${ROUTE_VERBS.join(", ")}`;
  }
  const path = match[2]!;
  if (!path.startsWith("/")) return `the path must start with "/"`;
  return { method: verb.toUpperCase(), path };
}

/**
 * The shape of a route, for duplicate detection: parameter names are dropped (`/a/:id` and
 * `/a/:slug` are the same route), constraints kept, trailing slashes ignored.
 */
export function routeShape(method: string, path: string): string {
  const segments = path
    .split("/")
    .filter((s) => s !== "")
    .map((segment) => {
      const named = /^:[A-Za-z_$][\w$]*(\(.+\))?(\?)?$/.exec(segment);
      if (named) return `:${named[1] ?? ""}${named[2] ?? ""}`;
      const unnamed = /^(\(.+\))(\?)?$/.exec(segment);
      if (unnamed) return `:${unnamed[1]}${unnamed[2] ?? ""}`;
      return segment;
    });
  return `${method} /${segments.join("/")}`;
}
