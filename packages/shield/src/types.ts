import type { TrustProxy } from "@harpia/core";
import type { HstsOptions } from "@harpia/core/utils";

// Typed request state and template locals (declaration merging into core's interfaces).
declare module "@harpia/core" {
  interface RequestState {
    /**
     * This request's CSP nonce: set by `@harpia/shield` with `useNonce` before routing, and the
     * value its `Content-Security-Policy` header carries. Templates read it too.
     */
    nonce?: string;
  }

  interface Locals {
    /** The CSP nonce, for templates (`{{ nonce }}`): a copy of `req.state.nonce`. */
    nonce?: string;
  }
}

/**
 * CSP directives: name → sources. Names may be kebab-case (`"script-src"`) or camelCase
 * (`scriptSrc`). An empty array gives a directive without value (`upgrade-insecure-requests`);
 * `false` removes one of the defaults. Keywords keep their quotes: `"'self'"`, `"'none'"`.
 */
export type CspDirectives = Record<string, readonly string[] | false>;

/** Options of the `Content-Security-Policy` header. */
export interface ContentSecurityPolicyOptions {
  /** Directives merged over the defaults (a directive given here replaces the default one). */
  directives?: CspDirectives;
  /** Start from no directives instead of the defaults (default `true`: use them). */
  useDefaults?: boolean;
  /** Send `Content-Security-Policy-Report-Only` instead, to try a policy without enforcing it. */
  reportOnly?: boolean;
}

/** Values of `Referrer-Policy`. */
export type ReferrerPolicyValue =
  | "no-referrer"
  | "no-referrer-when-downgrade"
  | "origin"
  | "origin-when-cross-origin"
  | "same-origin"
  | "strict-origin"
  | "strict-origin-when-cross-origin"
  | "unsafe-url";

/**
 * Security headers to send, with the seed's option names. Every header is on by default
 * (except `crossOriginEmbedderPolicy`); `false` turns one off, `true` keeps its default value,
 * an object sets it.
 *
 * | option | header | default |
 * | --- | --- | --- |
 * | `contentSecurityPolicy` | `Content-Security-Policy` | self-only sources (see README) |
 * | `crossOriginOpenerPolicy` | `Cross-Origin-Opener-Policy` | `same-origin` |
 * | `crossOriginResourcePolicy` | `Cross-Origin-Resource-Policy` | `same-origin` |
 * | `originAgentCluster` | `Origin-Agent-Cluster` | `?1` |
 * | `referrerPolicy` | `Referrer-Policy` | `no-referrer` |
 * | `strictTransportSecurity` | `Strict-Transport-Security` (HTTPS only) | `max-age=15552000; includeSubDomains` |
 * | `xContentTypeOptions` | `X-Content-Type-Options` | `nosniff` |
 * | `xDnsPrefetchControl` | `X-DNS-Prefetch-Control` | `off` |
 * | `xDownloadOptions` | `X-Download-Options` | `noopen` |
 * | `xFrameOptions` | `X-Frame-Options` | `SAMEORIGIN` |
 * | `xPermittedCrossDomainPolicies` | `X-Permitted-Cross-Domain-Policies` | `none` |
 * | `xXssProtection` | `X-XSS-Protection` | `0` |
 * | `xPoweredBy` | removes `X-Powered-By` unless `true` | removed |
 */
export interface SecurityHeaders {
  /** `Content-Security-Policy`: which sources scripts, styles, images... may come from. */
  contentSecurityPolicy?: boolean | ContentSecurityPolicyOptions;
  /** `Cross-Origin-Opener-Policy`: isolates the browsing context from cross-origin windows. */
  crossOriginOpenerPolicy?: boolean | { policy: "same-origin" | "same-origin-allow-popups" | "unsafe-none" };
  /** `Cross-Origin-Resource-Policy`: who may embed this response. */
  crossOriginResourcePolicy?: boolean | { policy: "same-origin" | "same-site" | "cross-origin" };
  /** `Cross-Origin-Embedder-Policy` (off by default: it breaks most cross-origin embeds). */
  crossOriginEmbedderPolicy?: boolean | { policy: "require-corp" | "credentialless" | "unsafe-none" };
  /** `Origin-Agent-Cluster: ?1`: asks for a process per origin. */
  originAgentCluster?: boolean;
  /** `Referrer-Policy`: one value, or a list (fallbacks for older browsers, last wins). */
  referrerPolicy?: boolean | { policy: ReferrerPolicyValue | ReferrerPolicyValue[] };
  /**
   * `Strict-Transport-Security`, sent only on HTTPS requests (`req.secure`). `maxAge` is in
   * seconds (default 15,552,000); `includeSubDomains` defaults to `true`, `preload` to `false`.
   */
  strictTransportSecurity?: boolean | HstsOptions;
  /** `X-Content-Type-Options: nosniff`. */
  xContentTypeOptions?: boolean;
  /** `X-DNS-Prefetch-Control`: `off` unless `{ allow: true }`. */
  xDnsPrefetchControl?: boolean | { allow: boolean };
  /** `X-Download-Options: noopen` (old Internet Explorer). */
  xDownloadOptions?: boolean;
  /** `X-Frame-Options`: clickjacking protection for browsers without CSP `frame-ancestors`. */
  xFrameOptions?: boolean | { action: "DENY" | "SAMEORIGIN" };
  /** `X-Permitted-Cross-Domain-Policies` (Adobe clients). */
  xPermittedCrossDomainPolicies?:
    | boolean
    | { permittedPolicies: "none" | "master-only" | "by-content-type" | "all" };
  /** `true` leaves `X-Powered-By` alone; by default it is removed. */
  xPoweredBy?: boolean;
  /** `X-XSS-Protection: 0`, which turns off the buggy XSS auditor of old browsers; `false` omits it. */
  xXssProtection?: boolean;
  /**
   * A fresh nonce per request, in `req.state.nonce` (and `res.locals.nonce` for templates)
   * before any middleware or handler runs, and added to `script-src` and `style-src` (default
   * `false`).
   */
  useNonce?: boolean;
  /**
   * @deprecated Ignored, with a one-time warning: HSTS is sent when `req.secure`, which follows
   * the app's `harpia({ trustProxy })`. Set it there.
   */
  trustProxy?: TrustProxy;
}
