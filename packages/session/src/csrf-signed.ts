import { CookieSigner, type Store } from "@harpia/core";
import { randomToken } from "@harpia/core/utils";

/**
 * Stateless CSRF tokens: `<expiry>.<HMAC-SHA256(key, expiry + binding)>`, where the binding
 * is a session id or the random value of a browser's CSRF cookie. Nothing is stored per token
 * or per visitor; a token is only valid for its binding, and only until its expiry.
 */

/** Shortest secret accepted (characters). */
export const MIN_SECRET_LENGTH = 16;
/** What a browser id (the CSRF cookie's random value) looks like: 32 bytes as base64url. */
const BROWSER_ID = /^[A-Za-z0-9_-]{43}$/;
/** `<expiry in base 36>.<43 base64url characters>` */
const SIGNED_TOKEN = /^[0-9a-z]{1,11}\.[A-Za-z0-9_-]{43}$/;

/** A new browser id: 32 random bytes from the CSPRNG, base64url. */
export function newBrowserId(): string {
  return randomToken(32);
}

/** Whether `value` has the shape of a browser id. */
export function isBrowserId(value: unknown): value is string {
  return typeof value === "string" && BROWSER_ID.test(value);
}

/** Whether `token` has the shape of a signed token (stored tokens never contain a dot). */
export function isSignedToken(token: string): boolean {
  return SIGNED_TOKEN.test(token);
}

/** Checks the `secret` option: a string, or a non-empty list, of at least 16 characters each. */
export function checkSecret(secret: unknown): asserts secret is string | string[] {
  const list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0 || !list.every((s) => typeof s === "string" && s.length >= MIN_SECRET_LENGTH))
    throw new TypeError(
      `CSRF secret must be a string, or a list of strings, of at least ${MIN_SECRET_LENGTH} characters`,
    );
}

/**
 * The secret shared by every process using `store`: created once (`add`, so concurrent
 * starters agree on one) and kept without expiry under `key`.
 */
export async function sharedSecret(store: Store, key: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const mine = randomToken(32);
    if (await store.add(key, mine)) return mine;
    const stored = await store.get(key);
    if (typeof stored === "string" && stored.length >= MIN_SECRET_LENGTH) return stored;
    if (stored !== undefined) throw new Error(`CSRF: store key "${key}" holds something other than a secret`);
    // Evicted or expired between `add` and `get`: try again.
  }
  throw new Error(`CSRF: could not keep a secret under store key "${key}"`);
}

/** What signs tokens: core's `CookieSigner` (`app.signer`, or one made from `secret`). */
export type MacSigner = Pick<CookieSigner, "sign" | "unsign">;

/**
 * The name under which tokens are signed. The binding goes into the signed value (not only
 * the name) so that a signer reading other formats too (`cookieSignatureCompat: "express"`,
 * whose MAC covers the value alone) cannot turn one binding's signature into another's.
 */
const TOKEN_NAME = "harpia-csrf";

/**
 * Issues and verifies signed tokens with one signer: core's `CookieSigner` made from a secret
 * (or a list: the first signs, all verify, for rotation), or the app's (`app.signer`, from
 * `cookieSecret`). Comparisons are constant time.
 */
export class TokenSigner {
  private readonly signer: MacSigner;

  constructor(secret: string | string[] | MacSigner) {
    this.signer = typeof secret === "string" || Array.isArray(secret) ? new CookieSigner(secret) : secret;
  }

  /** A token for `binding`, valid for `ttlMs`: `<expiry>.<HMAC(harpia-csrf=<expiry>|<binding>)>`. */
  issue(binding: string, ttlMs: number): string {
    const expiresAt = (Date.now() + ttlMs).toString(36);
    // CookieSigner gives `s:<value>.<mac>`; the token is `<expiry>.<mac>`.
    const signed = this.signer.sign(TOKEN_NAME, `${expiresAt}|${binding}`);
    return `${expiresAt}.${signed.slice(signed.lastIndexOf(".") + 1)}`;
  }

  /** True when `token` was issued for `binding` and has not expired. */
  verify(binding: string, token: string): boolean {
    if (!isSignedToken(token)) return false;
    const dot = token.indexOf(".");
    const expiresAt = token.slice(0, dot);
    const value = `${expiresAt}|${binding}`;
    const valid = this.signer.unsign(TOKEN_NAME, `s:${value}.${token.slice(dot + 1)}`) === value;
    return valid && Number.parseInt(expiresAt, 36) > Date.now();
  }
}
