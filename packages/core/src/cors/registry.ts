import { normalizePattern } from "../router/pattern";
import { LOOKUP_PATH } from "../symbols";
import type { Middleware } from "../types";
import { pathWithin } from "../utils/path";
import { type CorsOptions, type CorsPolicy, compileCors } from "./cors";

interface Scoped {
  path: string;
  policy: CorsPolicy;
}

/**
 * The policies given to `app.cors(options, path?)`. One middleware serves them all and applies,
 * per request, the policy of the most specific path that contains the request (so a global
 * policy and a stricter one for `/books` do not both answer the same preflight).
 */
export class CorsRegistry {
  /** Most specific (longest) path first. */
  private scopes: Scoped[] = [];

  /** Adds or replaces the policy of `path` (default: every path). Compiled here, once. */
  add(options: CorsOptions | undefined, path = "/"): void {
    if (typeof path !== "string") throw new TypeError("cors(options, path): path must be a string");
    const normalized = normalizePattern(path);
    if (/[:*(]/.test(normalized))
      throw new TypeError(`cors path "${path}": use a plain path prefix (it covers everything below it)`);
    const policy = compileCors(options);
    this.scopes = [...this.scopes.filter((s) => s.path !== normalized), { path: normalized, policy }].sort(
      (a, b) => b.path.length - a.path.length,
    );
  }

  /** The middleware that applies the matching policy; requests outside every path pass through. */
  readonly middleware: Middleware = (req, res, next) => {
    const path = req[LOOKUP_PATH];
    for (const scope of this.scopes) {
      if (pathWithin(path, scope.path)) return scope.policy.handle(req, res, next);
    }
    return next();
  };
}
