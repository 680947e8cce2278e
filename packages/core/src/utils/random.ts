/** Bytes of randomness in a nonce: 144 bits (CSP asks for at least 128), 24 base64url characters. */
const NONCE_BYTES = 18;

/**
 * `bytes` random bytes from the CSPRNG, base64url-encoded (no padding): safe in URLs, cookies,
 * HTML attributes and CSP sources.
 *
 * @example
 * randomToken(32) // "q3T0Vd...": 43 characters, 256 bits
 */
export function randomToken(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024)
    throw new TypeError(`randomToken(bytes): a whole number from 1 to 1024, got ${String(bytes)}`);
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

/**
 * A fresh CSP nonce (144 random bits, base64url, valid in `'nonce-…'` and in HTML). The one
 * implementation shield and the template engine share.
 */
export function createNonce(): string {
  return randomToken(NONCE_BYTES);
}
