import type { HarpiaRequest, HarpiaResponse } from "@harpia/core";
import { createNonce } from "@harpia/core/utils";

/**
 * What shield accepts in a CSP header as a nonce: CSP's base64-value grammar, at least 128 bits
 * (22 characters). Anything else in `req.state.nonce` (a value another step wrote) is replaced,
 * so nothing but a nonce reaches the header.
 */
const NONCE_SYNTAX = /^[A-Za-z0-9+/_-]{22,}={0,2}$/;

/**
 * The nonce of this request (`req.state.nonce`), made with core's `createNonce` on first use and
 * mirrored into `res.locals.nonce` for templates.
 */
export function nonceFor(req: HarpiaRequest<any>, res: HarpiaResponse): string {
  const state = req.state;
  const current = state.nonce;
  if (typeof current === "string" && NONCE_SYNTAX.test(current)) return current;
  const nonce = createNonce();
  state.nonce = nonce;
  res.locals.nonce = nonce;
  return nonce;
}
