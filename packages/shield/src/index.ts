/**
 * @harpia/shield — security headers for Harpia apps: a Content-Security-Policy with optional
 * per-response nonces, HSTS on HTTPS, cross-origin policies and the usual hardening headers,
 * on every response the app sends.
 */
export { type CompiledPolicy, DEFAULT_DIRECTIVES } from "./csp";
export { createNonce, getNonce } from "./nonce";
export { Shield, type ShieldMiddleware, shield } from "./shield";
export type {
  ContentSecurityPolicyOptions,
  CspDirectives,
  ReferrerPolicyValue,
  SecurityHeaders,
} from "./types";
