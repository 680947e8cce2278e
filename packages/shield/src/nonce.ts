import type { HarpiaResponse } from "@harpia/core";

/** Random bytes per nonce: 144 bits (CSP asks for at least 128), 24 base64url characters. */
const NONCE_BYTES = 18;

const nonces = new WeakMap<HarpiaResponse, string>();

/** A new nonce from the CSPRNG, base64url (valid in a CSP `'nonce-…'` source and in HTML). */
export function createNonce(): string {
  const bytes = new Uint8Array(NONCE_BYTES);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64url");
}

/** The nonce of this response, creating it (and `res.locals.nonce`) on first use. */
export function nonceFor(res: HarpiaResponse): string {
  let nonce = nonces.get(res);
  if (nonce === undefined) {
    nonce = createNonce();
    nonces.set(res, nonce);
    res.locals.nonce = nonce;
  }
  return nonce;
}

/**
 * The nonce shield gave this response, or `undefined` when `useNonce` is off. Same value as
 * `res.locals.nonce`; kept apart so a handler replacing `res.locals` cannot lose it.
 */
export function getNonce(res: HarpiaResponse): string | undefined {
  return nonces.get(res);
}
