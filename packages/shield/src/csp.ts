import type { ContentSecurityPolicyOptions } from "./types";

/** The default policy: everything from this origin only, no plugins, no inline attributes. */
export const DEFAULT_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "font-src": ["'self'", "https:", "data:"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'self'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "upgrade-insecure-requests": [],
});

/** Directives that get the nonce. */
const NONCE_DIRECTIVES = ["script-src", "style-src"] as const;

/** Keywords that mean nothing without their single quotes (a common, silent mistake). */
const KEYWORDS = new Set([
  "self",
  "none",
  "unsafe-inline",
  "unsafe-eval",
  "unsafe-hashes",
  "strict-dynamic",
  "report-sample",
  "wasm-unsafe-eval",
  "inline-speculation-rules",
]);

/** A compiled policy: the header value, split where a per-response nonce goes. */
export interface CompiledPolicy {
  /** Header name (`Content-Security-Policy` or its `-Report-Only` form). */
  header: string;
  /** The value's pieces: join them with ` 'nonce-…'` (a single piece when there is no nonce). */
  parts: string[];
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function checkSource(directive: string, source: unknown): string {
  if (typeof source !== "string" || source.trim() === "")
    throw new TypeError(`CSP ${directive}: sources must be non-empty strings`);
  const value = source.trim();
  if (/[;,\r\n]/.test(value))
    throw new TypeError(
      `CSP ${directive}: source ${JSON.stringify(value)} may not contain ";", "," or newlines`,
    );
  if (KEYWORDS.has(value) || /^(nonce|sha256|sha384|sha512)-/.test(value))
    throw new TypeError(
      `CSP ${directive}: write "'${value}'" with single quotes; unquoted it is a host name`,
    );
  return value;
}

/** Merges the user's directives over the defaults and checks every name and source. */
export function mergeDirectives(options: ContentSecurityPolicyOptions): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  if (options.useDefaults !== false) {
    for (const [name, sources] of Object.entries(DEFAULT_DIRECTIVES)) merged.set(name, [...sources]);
  }
  for (const [rawName, sources] of Object.entries(options.directives ?? {})) {
    const name = kebab(rawName);
    if (!/^[a-z][a-z-]*$/.test(name)) throw new TypeError(`CSP directive name "${rawName}" is not valid`);
    if (sources === false) {
      merged.delete(name);
      continue;
    }
    if (!Array.isArray(sources))
      throw new TypeError(`CSP ${name}: give an array of sources (or false to remove it)`);
    merged.set(
      name,
      sources.map((s) => checkSource(name, s)),
    );
  }
  return merged;
}

const SLOT = "\u0000nonce\u0000";

/**
 * Builds the header value once. With `useNonce`, `script-src` and `style-src` get a slot for
 * the nonce; when one is missing it is created from `default-src` (which it would otherwise
 * fall back to) so the nonce still applies.
 */
export function compilePolicy(options: ContentSecurityPolicyOptions, useNonce: boolean): CompiledPolicy {
  const directives = mergeDirectives(options);
  if (useNonce) {
    const fallback = directives.get("default-src");
    for (const name of NONCE_DIRECTIVES) {
      const sources = directives.get(name) ?? (fallback ? [...fallback] : undefined);
      if (sources === undefined) continue;
      // 'none' cannot be combined with other sources; a nonce replaces it.
      directives.set(name, [...sources.filter((s) => s !== "'none'"), SLOT]);
    }
  }
  const value = [...directives]
    .map(([name, sources]) => (sources.length === 0 ? name : `${name} ${sources.join(" ")}`))
    .join("; ");
  return {
    header: options.reportOnly ? "content-security-policy-report-only" : "content-security-policy",
    parts: value.split(` ${SLOT}`),
  };
}
