/**
 * Method override for HTML forms: the policy compiled from `harpia({ methodOverride })`, and the
 * dispatch step that applies it to a POST.
 */
import { FORM, hasBody, mediaType, parseBody } from "../body/parse";
import type { HarpiaRequest } from "../request";
import { PARSED } from "../symbols";
import { checkOrigins, fromOwnOrigin } from "../utils/internal/same-origin";

/** The object form of `harpia({ methodOverride })`. */
export interface MethodOverrideOptions {
  /** Methods a POST may ask for (default `["PUT", "PATCH", "DELETE"]`). */
  methods?: readonly string[];
  /**
   * Other origins whose pages may override (`"https://admin.example.com"`): for forms served
   * from another origin or a sibling subdomain. Your own origin never needs listing.
   */
  allowOrigins?: readonly string[];
}

const DEFAULT_METHODS = ["PUT", "PATCH", "DELETE"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Method override, compiled at app creation: which methods a POST may ask for, and from where.
 *
 * A cross-site HTML form is a "simple" request: the browser sends it, cookies included, without
 * a CORS preflight. If its `_method=DELETE` were honoured, any site could make a signed-in
 * visitor's browser reach your DELETE handlers, which JSON APIs usually protect by relying on
 * the preflight a real DELETE needs. So an override is honoured only for requests that are not
 * cross-site; a refused one leaves the request a plain POST.
 */
export class MethodOverride {
  /** Methods a POST may become (upper case). */
  readonly methods: ReadonlySet<string>;
  private readonly origins: ReadonlySet<string>;

  constructor(methods: readonly string[], origins: readonly string[]) {
    this.methods = new Set(methods);
    this.origins = new Set(origins);
  }

  /**
   * Whether this POST may ask for another method: when it comes from the app's own origin or
   * one listed in `allowOrigins`, or from no browser at all (see {@link fromOwnOrigin}).
   */
  permits(req: HarpiaRequest<any>): boolean {
    return fromOwnOrigin(req, this.origins);
  }
}

/** Checks and compiles `harpia({ methodOverride })`; `undefined` when it is off. */
export function compileMethodOverride(
  option: boolean | MethodOverrideOptions | undefined,
): MethodOverride | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return new MethodOverride(DEFAULT_METHODS, []);
  if (typeof option !== "object" || option === null)
    throw new TypeError(
      `methodOverride: expected a boolean or { methods, allowOrigins }, got ${typeof option}`,
    );
  const { methods = DEFAULT_METHODS, allowOrigins = [] } = option;
  if (
    !Array.isArray(methods) ||
    methods.length === 0 ||
    methods.some((m) => typeof m !== "string" || !TOKEN.test(m))
  )
    throw new TypeError("methodOverride.methods: expected a non-empty list of method names");
  return new MethodOverride(
    methods.map((m) => m.toUpperCase()),
    checkOrigins(allowOrigins, "methodOverride.allowOrigins"),
  );
}

/**
 * Applies method override to a POST: `X-HTTP-Method-Override`, or `_method` in a urlencoded
 * body (read here, within `bodyLimit`, and kept for the route). Returns a promise only when the
 * body had to be read first; it rejects with the body's error. A request the policy refuses (a
 * cross-site one) stays a POST, its body untouched.
 */
export function applyOverride(
  policy: MethodOverride,
  req: HarpiaRequest<any>,
  bodyLimit: number,
): Promise<void> | undefined {
  const header = req.headers.get("x-http-method-override");
  const type = header === null ? mediaType(req.headers.get("content-type")) : undefined;
  if (header === null && (type !== FORM || !hasBody(req.raw))) return undefined;
  if (!policy.permits(req)) return undefined;
  const allowed = policy.methods;
  if (header !== null) {
    const method = header.trim().toUpperCase();
    if (allowed.has(method)) req.method = method;
    return undefined;
  }
  return parseBody(req.raw, "form", bodyLimit).then((parsed) => {
    req[PARSED] = parsed;
    req.body = parsed.body;
    const wanted = (parsed.body as Record<string, unknown>)._method;
    if (typeof wanted === "string" && allowed.has(wanted.toUpperCase())) req.method = wanted.toUpperCase();
  });
}
