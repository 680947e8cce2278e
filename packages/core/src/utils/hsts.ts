/** Options of a `Strict-Transport-Security` header. */
export interface HstsOptions {
  /** Seconds browsers keep to HTTPS (default 15,552,000: 180 days). */
  maxAge?: number;
  /** Also for every subdomain (default `true`). */
  includeSubDomains?: boolean;
  /** Ask to be preloaded into browsers' lists (default `false`; read hstspreload.org first). */
  preload?: boolean;
}

/** 180 days, a common default that survives most release cycles. */
const DEFAULT_MAX_AGE = 15_552_000;

/**
 * The `Strict-Transport-Security` value for `options` (`true` or omitted: the defaults), or
 * `undefined` for `false`. Checked: `maxAge` must be whole seconds; `option` names the setting in
 * the error. Send it on HTTPS responses only (`req.secure`): browsers ignore it over HTTP.
 *
 * @example
 * hstsHeader({ maxAge: 31536000, preload: true }) // "max-age=31536000; includeSubDomains; preload"
 */
export function hstsHeader(options: HstsOptions | boolean | undefined, option = "hsts"): string | undefined {
  if (options === false) return undefined;
  const given = options === true || options === undefined ? {} : options;
  if (given === null || typeof given !== "object")
    throw new TypeError(`${option} must be true, false or { maxAge, includeSubDomains, preload }`);
  const maxAge = given.maxAge ?? DEFAULT_MAX_AGE;
  if (!Number.isInteger(maxAge) || maxAge < 0)
    throw new TypeError(`${option}.maxAge must be a whole number of seconds, got ${String(maxAge)}`);
  let value = `max-age=${maxAge}`;
  if (given.includeSubDomains ?? true) value += "; includeSubDomains";
  if (given.preload === true) value += "; preload";
  return value;
}
