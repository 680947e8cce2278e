/**
 * @harpia/shield — security headers for Harpia apps: a Content-Security-Policy with optional
 * per-request nonces (`req.state.nonce`), HSTS on HTTPS, cross-origin policies and the usual
 * hardening headers, on every response the app sends. Install it with `app.use(shield(options))`.
 */
export { type CompiledPolicy, DEFAULT_DIRECTIVES } from "./csp";
export { Shield, type ShieldMiddleware, shield } from "./shield";
export type {
  ContentSecurityPolicyOptions,
  CspDirectives,
  ReferrerPolicyValue,
  SecurityHeaders,
} from "./types";
