import type { HarpiaRequest } from "../request";
import { checkOrigin } from "../utils/internal/same-origin";

/**
 * A fixed origin policy: `"*"` any origin (answered `*`), `true` any origin (answered with the
 * origin itself), `false` none, one origin, a pattern, or a list of origins and patterns.
 */
export type StaticOrigin = boolean | string | RegExp | readonly (string | RegExp)[];

/**
 * Decides per request: gets the request's `Origin` and returns a {@link StaticOrigin}
 * (or a promise of one), e.g. after looking the origin up in a database.
 */
export type OriginFunction = (
  origin: string,
  req: HarpiaRequest<any>,
) => StaticOrigin | undefined | Promise<StaticOrigin | undefined>;

/** The `origin` option of CORS. */
export type CorsOrigin = StaticOrigin | OriginFunction;

/**
 * What to answer for an origin: `"*"` for any origin without credentials, the origin itself
 * when it is allowed, or `undefined` when it is not.
 */
export type AllowedOrigin = string | undefined;

/** An origin policy compiled at registration: a cheap check per request. */
export interface OriginMatcher {
  /** Whether the answer depends on the request's `Origin` (then `Vary: Origin` is needed). */
  readonly varies: boolean;
  /** The `Access-Control-Allow-Origin` value for this origin, or a promise of it. */
  allow(origin: string, req: HarpiaRequest<any>): AllowedOrigin | Promise<AllowedOrigin>;
}

/**
 * The origin to echo for an "any origin" policy. `null` (sandboxed iframes, `file:` pages,
 * some redirects) is shared by unrelated documents, so echoing it would let any of them in;
 * allow it by listing `"null"` explicitly.
 */
function echo(origin: string): AllowedOrigin {
  return origin === "null" ? undefined : origin;
}

/**
 * An origin of the policy as browsers write it in `Origin` (`https://example.com/` names
 * `https://example.com`); `"*"` and `"null"` stand for themselves. Anything else (a path, a bare
 * host) could never match, so it is refused with a `TypeError` when the policy is compiled.
 */
function policyOrigin(origin: string): string {
  return origin === "*" || origin === "null" ? origin : checkOrigin(origin, "cors origin");
}

/** A copy without `g`/`y`, whose `lastIndex` would make `test` alternate between calls. */
function stateless(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""))
    : pattern;
}

/**
 * Compiles a static policy into a predicate over origins: `"any"` for `"*"` (answered with `*`),
 * `"reflect"` for `true` (answered with the request's origin, as Express does).
 */
function compileStatic(policy: StaticOrigin): ((origin: string) => boolean) | "any" | "reflect" {
  if (policy === "*") return "any";
  if (policy === true) return "reflect";
  if (policy === false) return () => false;
  if (typeof policy === "string") {
    const only = policyOrigin(policy);
    return (origin) => origin === only;
  }
  if (policy instanceof RegExp) {
    const pattern = stateless(policy);
    return (origin) => pattern.test(origin);
  }
  if (Array.isArray(policy)) {
    const exact = new Set<string>();
    const patterns: RegExp[] = [];
    for (const entry of policy) {
      if (entry instanceof RegExp) patterns.push(stateless(entry));
      else if (typeof entry === "string") exact.add(policyOrigin(entry));
      else throw new TypeError(`cors origin: list entries must be strings or RegExps, got ${typeof entry}`);
    }
    if (exact.has("*")) return "any";
    return (origin) => exact.has(origin) || patterns.some((p) => p.test(origin));
  }
  throw new TypeError(
    `cors origin: expected a boolean, string, RegExp, array or function, got ${typeof policy}`,
  );
}

function decide(policy: StaticOrigin | undefined, origin: string, credentials: boolean): AllowedOrigin {
  if (policy === undefined) return undefined;
  const check = compileStatic(policy);
  if (check === "any" && !credentials) return "*";
  if (check === "any" || check === "reflect") return echo(origin);
  return check(origin) ? origin : undefined;
}

/**
 * Compiles the `origin` option once. With `credentials`, an "any origin" answer (only a
 * function can give one: a static one is refused at registration) echoes the request's origin
 * instead of `*`, which browsers refuse for credentialed requests.
 */
export function compileOrigin(policy: CorsOrigin, credentials: boolean): OriginMatcher {
  if (typeof policy === "function") {
    return {
      varies: true,
      allow(origin, req) {
        const result = policy(origin, req);
        if (result instanceof Promise) return result.then((value) => decide(value, origin, credentials));
        return decide(result, origin, credentials);
      },
    };
  }
  const check = compileStatic(policy);
  if (check === "any" && !credentials) return { varies: false, allow: () => "*" };
  if (check === "any" || check === "reflect") return { varies: true, allow: echo };
  return { varies: true, allow: (origin) => (check(origin) ? origin : undefined) };
}
