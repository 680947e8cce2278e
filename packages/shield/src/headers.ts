import { hstsHeader } from "@harpia/core/utils";
import { type CompiledPolicy, compilePolicy } from "./csp";
import type { ReferrerPolicyValue, SecurityHeaders } from "./types";

/** Everything decided once from the options; only the nonce and the HTTPS check vary later. */
export interface CompiledHeaders {
  /** Headers with fixed values, lower-case names. */
  fixed: [string, string][];
  /** The CSP, when on. */
  policy: CompiledPolicy | undefined;
  /** The HSTS value, when on (sent on HTTPS only). */
  hsts: string | undefined;
  /** Whether `X-Powered-By` is removed. */
  removePoweredBy: boolean;
}

const REFERRER_POLICIES = new Set<ReferrerPolicyValue>([
  "no-referrer",
  "no-referrer-when-downgrade",
  "origin",
  "origin-when-cross-origin",
  "same-origin",
  "strict-origin",
  "strict-origin-when-cross-origin",
  "unsafe-url",
]);

/** The value of an option that is `false` (off), `true`/absent (default) or an object. */
function pick<T extends object>(option: boolean | T | undefined, fallback: T | false): T | false {
  if (option === false) return false;
  if (option === undefined || option === true) return fallback;
  if (typeof option !== "object" || option === null)
    throw new TypeError("Shield options take true, false or an object");
  return option;
}

function oneOf<T extends string>(label: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new TypeError(`Shield ${label}: "${String(value)}" is not one of ${allowed.join(", ")}`);
  return value as T;
}

function referrerValue(option: SecurityHeaders["referrerPolicy"]): string | undefined {
  const referrer = pick(option, { policy: "no-referrer" as ReferrerPolicyValue });
  if (referrer === false) return undefined;
  const policies = Array.isArray(referrer.policy) ? referrer.policy : [referrer.policy];
  if (policies.length === 0) throw new TypeError("Shield referrerPolicy.policy must not be empty");
  for (const policy of policies) oneOf("referrerPolicy", policy, [...REFERRER_POLICIES]);
  return policies.join(", ");
}

/** Turns {@link SecurityHeaders} into header values, validating them (errors surface at start-up). */
export function compileHeaders(options: SecurityHeaders): CompiledHeaders {
  const fixed: [string, string][] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined) fixed.push([name, value]);
  };

  const coop = pick(options.crossOriginOpenerPolicy, { policy: "same-origin" as const });
  if (coop)
    add(
      "cross-origin-opener-policy",
      oneOf("crossOriginOpenerPolicy", coop.policy, [
        "same-origin",
        "same-origin-allow-popups",
        "unsafe-none",
      ]),
    );
  const corp = pick(options.crossOriginResourcePolicy, { policy: "same-origin" as const });
  if (corp)
    add(
      "cross-origin-resource-policy",
      oneOf("crossOriginResourcePolicy", corp.policy, ["same-origin", "same-site", "cross-origin"]),
    );
  const coep =
    options.crossOriginEmbedderPolicy === undefined
      ? false
      : pick(options.crossOriginEmbedderPolicy, { policy: "require-corp" as const });
  if (coep)
    add(
      "cross-origin-embedder-policy",
      oneOf("crossOriginEmbedderPolicy", coep.policy, ["require-corp", "credentialless", "unsafe-none"]),
    );
  if (options.originAgentCluster !== false) add("origin-agent-cluster", "?1");
  add("referrer-policy", referrerValue(options.referrerPolicy));
  if (options.xContentTypeOptions !== false) add("x-content-type-options", "nosniff");
  const dns = pick(options.xDnsPrefetchControl, { allow: false });
  if (dns) add("x-dns-prefetch-control", dns.allow ? "on" : "off");
  if (options.xDownloadOptions !== false) add("x-download-options", "noopen");
  const frame = pick(options.xFrameOptions, { action: "SAMEORIGIN" as const });
  if (frame)
    add(
      "x-frame-options",
      oneOf("xFrameOptions", String(frame.action).toUpperCase(), ["DENY", "SAMEORIGIN"]),
    );
  const xdomain = pick(options.xPermittedCrossDomainPolicies, { permittedPolicies: "none" as const });
  if (xdomain)
    add(
      "x-permitted-cross-domain-policies",
      oneOf("xPermittedCrossDomainPolicies", xdomain.permittedPolicies, [
        "none",
        "master-only",
        "by-content-type",
        "all",
      ]),
    );
  if (options.xXssProtection !== false) add("x-xss-protection", "0");

  const csp = pick(options.contentSecurityPolicy, {});
  let policy: CompiledPolicy | undefined;
  if (csp) {
    policy = compilePolicy(csp, options.useNonce === true);
    if (policy.parts.join("") === "") policy = undefined;
  }

  return {
    fixed,
    policy,
    hsts: hstsHeader(options.strictTransportSecurity, "Shield strictTransportSecurity"),
    removePoweredBy: options.xPoweredBy !== true,
  };
}
