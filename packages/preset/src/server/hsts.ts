import type { HstsOptions } from "../config";

/** 180 days, a common default that survives most release cycles. */
const DEFAULT_MAX_AGE = 15_552_000;

/** The `Strict-Transport-Security` value for these options, or `undefined` when turned off. */
export function hstsValue(options: HstsOptions | false | undefined): string | undefined {
  if (options === false) return undefined;
  const maxAge = options?.maxAge ?? DEFAULT_MAX_AGE;
  if (!Number.isInteger(maxAge) || maxAge < 0)
    throw new RangeError(`server.hsts.maxAge must be a whole number of seconds, got ${maxAge}`);
  let value = `max-age=${maxAge}`;
  if (options?.includeSubDomains ?? true) value += "; includeSubDomains";
  if (options?.preload) value += "; preload";
  return value;
}
