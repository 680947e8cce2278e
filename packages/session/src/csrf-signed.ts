import { CookieSigner, type Store } from "@harpia/core";

/**
 * Stateless CSRF tokens: `<expiry>.<HMAC-SHA256(secret, binding + expiry)>`, where the binding
 * is a session id or the random value of a browser's CSRF cookie. Nothing is stored per token
 * or per visitor; a token is only valid for its binding, and only until its expiry.
 */

/** Shortest secret accepted (characters). */
export const MIN_SECRET_LENGTH = 16;
/** What a browser id (the CSRF cookie's random value) looks like: 32 bytes as base64url. */
const BROWSER_ID = /^[A-Za-z0-9_-]{43}$/;
/** `<expiry in base 36>.<43 base64url characters>` */
const SIGNED_TOKEN = /^[0-9a-z]{1,11}\.[A-Za-z0-9_-]{43}$/;

function randomText(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return Buffer.from(buffer).toString("base64url");
}

/** A new browser id: 32 random bytes from the CSPRNG, base64url. */
export function newBrowserId(): string {
  return randomText(32);
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
    const mine = randomText(32);
    if (await store.add(key, mine)) return mine;
    const stored = await store.get(key);
    if (typeof stored === "string" && stored.length >= MIN_SECRET_LENGTH) return stored;
    if (stored !== undefined) throw new Error(`CSRF: store key "${key}" holds something other than a secret`);
    // Evicted or expired between `add` and `get`: try again.
  }
  throw new Error(`CSRF: could not keep a secret under store key "${key}"`);
}

/**
 * Issues and verifies signed tokens with one secret (or a list: the first signs, all verify,
 * for rotation). Comparisons are constant time (core's `CookieSigner`).
 */
export class TokenSigner {
  private readonly signer: CookieSigner;

  constructor(secret: string | string[]) {
    this.signer = new CookieSigner(secret);
  }

  /**
   * The HMAC covers `csrf:<binding>=<expiry>`. A colon cannot appear in a cookie name, so no
   * signed cookie of an app using the same secret can be replayed as a token.
   */
  private name(binding: string): string {
    return `csrf:${binding}`;
  }

  /** A token for `binding`, valid for `ttlMs`. */
  issue(binding: string, ttlMs: number): string {
    const expiresAt = (Date.now() + ttlMs).toString(36);
    // CookieSigner gives `s:<value>.<mac>`; the token is `<value>.<mac>`.
    return this.signer.sign(this.name(binding), expiresAt).slice(2);
  }

  /** True when `token` was issued for `binding` and has not expired. */
  verify(binding: string, token: string): boolean {
    if (!isSignedToken(token)) return false;
    const expiresAt = this.signer.unsign(this.name(binding), `s:${token}`);
    return expiresAt !== undefined && Number.parseInt(expiresAt, 36) > Date.now();
  }
}
