/** Options of {@link safeRedirectTarget}. */
export interface SafeRedirectOptions {
  /**
   * The app's URL (an origin, or the current request's URL, e.g. `req.url`): relative targets
   * resolve against it and absolute ones must have its origin. Without it, only targets that
   * are relative to the site (`/account`, `account?tab=1`) pass.
   */
  base?: string | URL;
  /** What to return for any other target (default `"/"`); a local path such as `"/account"`. */
  fallback?: string;
}

/** Stands for the site when no base is given: no real target can have this origin. */
const NO_BASE = "http://harpia.invalid/";

/**
 * A local redirect target (path, query and hash on the app's own origin) from untrusted input,
 * such as a `?next=` after login, or `fallback` when the input would leave the site.
 *
 * The target is parsed the way browsers resolve a `Location` (WHATWG URL against the app's
 * URL, which also drops the tabs and newlines browsers ignore, so `/\t/evil.example` is the
 * `//evil.example` a browser would follow) and only the parsed path is returned: never a
 * scheme-relative `//host`, a backslash, another origin or a `javascript:` URL.
 *
 * @example
 * res.redirect(safeRedirectTarget(req.body.next, { base: req.url, fallback: "/account" }), 303);
 */
export function safeRedirectTarget(target: unknown, options: SafeRedirectOptions = {}): string {
  const fallback = options.fallback ?? "/";
  if (typeof fallback !== "string" || !fallback.startsWith("/") || /^\/[/\\]/.test(fallback))
    throw new TypeError(
      `safeRedirectTarget: fallback must be a local path such as "/", got ${String(fallback)}`,
    );
  if (typeof target !== "string" || target.trim() === "") return fallback;
  let base: URL;
  try {
    base = new URL(options.base ?? NO_BASE);
  } catch {
    throw new TypeError(`safeRedirectTarget: base must be an absolute URL, got ${String(options.base)}`);
  }
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin === "null" || url.origin !== base.origin || url.username !== "" || url.password !== "")
    return fallback;
  // `/.//evil.example` parses to the path `//evil.example`, which a browser would read as a host.
  if (url.pathname.startsWith("//")) return fallback;
  return url.pathname + url.search + url.hash;
}
