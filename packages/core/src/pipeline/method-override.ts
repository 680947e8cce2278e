/**
 * Method override for HTML forms: the policy compiled from `harpia({ methodOverride })`, and the
 * dispatch step that applies it to a POST.
 */
import { FORM, hasBody, mediaType, parseBody } from "../body/parse";
import type { HarpiaRequest } from "../request";
import { FORWARDED, PARSED } from "../symbols";

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
   * Whether this POST may ask for another method:
   * - its `Origin` is listed in `allowOrigins`: yes;
   * - `Sec-Fetch-Site` (sent by every current browser, and not settable by pages) is
   *   `same-origin` or `none` (typed by the user): yes; `same-site` or `cross-site`: no;
   * - else an `Origin` (older browsers) must be the app's own origin, from the request URL
   *   (and `X-Forwarded-Proto`/`-Host` when the app trusts a proxy);
   * - neither header (curl, server-to-server, very old clients): yes, as no browser is involved.
   */
  permits(req: HarpiaRequest<any>): boolean {
    const headers = req.headers;
    const origin = headers.get("origin");
    if (origin !== null && this.origins.has(origin)) return true;
    const site = headers.get("sec-fetch-site");
    if (site !== null) return site === "same-origin" || site === "none";
    if (origin === null) return true;
    return origin === ownOrigin(req);
  }
}

/** The origin the client addressed: the request URL's, corrected by the trusted proxies. */
function ownOrigin(req: HarpiaRequest<any>): string | undefined {
  try {
    const host = req[FORWARDED]("x-forwarded-host") ?? new URL(req.url).host;
    return new URL(`${req.protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

function normalizeOrigin(value: unknown): string {
  if (typeof value === "string") {
    try {
      const origin = new URL(value).origin;
      if (origin !== "null" && value.replace(/\/$/, "").toLowerCase() === origin.toLowerCase()) return origin;
    } catch {}
  }
  throw new TypeError(
    `methodOverride.allowOrigins: "${String(value)}" is not an origin (scheme://host[:port], no path)`,
  );
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
  if (!Array.isArray(allowOrigins))
    throw new TypeError("methodOverride.allowOrigins: expected a list of origins");
  return new MethodOverride(
    methods.map((m) => m.toUpperCase()),
    allowOrigins.map(normalizeOrigin),
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
