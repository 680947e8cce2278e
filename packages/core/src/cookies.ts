import { parseCookie, stringifySetCookie } from "cookie";
import { unsign as unsignExpress } from "cookie-signature";

/** Options for a `Set-Cookie` header (names follow the seed's `CookiesOptions`). */
export interface CookiesOptions {
  /** URL path the cookie is sent for. Defaults to `/`. */
  path?: string;
  /** Domain the cookie is sent to. Defaults to the current host only. */
  domain?: string;
  /** Lifetime in seconds (`Max-Age`). Without it (and `expires`) it is a session cookie. */
  maxAge?: number;
  /** Exact expiry date. */
  expires?: Date;
  /** Hide the cookie from client-side JavaScript. */
  httpOnly?: boolean;
  /** Send only over HTTPS. Required by browsers when `sameSite` is `None`. */
  secure?: boolean;
  /** Cross-site policy. Either case is accepted: `"Strict"` or `"strict"`. */
  sameSite?: "Strict" | "Lax" | "None" | "strict" | "lax" | "none" | boolean;
  /** CHIPS partitioned cookie. */
  partitioned?: boolean;
  /** Chrome's cookie priority. */
  priority?: "Low" | "Medium" | "High" | "low" | "medium" | "high";
  /** Sign the value with the app's `cookieSecret` so tampering is detected on read. */
  signed?: boolean;
}

const SIGNED_PREFIX = "s:";

/**
 * Other frameworks' signed cookies that can be verified (read only): `"express"` is
 * cookie-parser's `s:value.signature` (cookie-signature: HMAC-SHA256 of the value alone,
 * base64 without padding).
 */
export type CookieSignatureCompat = "express";

/** Holds the secrets used to sign cookies; the first one signs, all of them verify (rotation). */
export class CookieSigner {
  private readonly keys: string[];
  /** One HMAC per key, keyed once; each signature is made on a `copy()` of it. */
  private readonly hashers: Bun.CryptoHasher[];
  private readonly express: boolean;

  constructor(secrets: string | string[], compat?: CookieSignatureCompat) {
    const list = Array.isArray(secrets) ? secrets : [secrets];
    if (list.some((s) => typeof s !== "string"))
      throw new TypeError("cookieSecret must be a non-empty string or list of strings");
    this.keys = list.filter((s) => s.length > 0);
    if (this.keys.length === 0)
      throw new TypeError("cookieSecret must be a non-empty string or list of strings");
    if (compat !== undefined && compat !== "express")
      throw new TypeError(`cookieSignatureCompat must be "express", got ${String(compat)}`);
    this.express = compat === "express";
    this.hashers = this.keys.map((key) => new Bun.CryptoHasher("sha256", key));
  }

  private mac(hasher: Bun.CryptoHasher, name: string, value: string): string {
    return hasher.copy().update(`${name}=${value}`).digest("base64url");
  }

  /** `value` → `s:value.signature`; the signature binds the cookie's name too. */
  sign(name: string, value: string): string {
    return `${SIGNED_PREFIX}${value}.${this.mac(this.hashers[0]!, name, value)}`;
  }

  /**
   * The original value when the signature is valid for any key (and, with the Express
   * compatibility on, in either format), else `undefined`.
   */
  unsign(name: string, signed: string): string | undefined {
    if (!signed.startsWith(SIGNED_PREFIX)) return undefined;
    const dot = signed.lastIndexOf(".");
    if (dot <= SIGNED_PREFIX.length - 1) return undefined;
    const value = signed.slice(SIGNED_PREFIX.length, dot);
    const given = signed.slice(dot + 1);
    const body = signed.slice(SIGNED_PREFIX.length);
    let valid = false;
    for (let i = 0; i < this.keys.length; i++) {
      // Every key and format is checked, each in constant time, so timing tells nothing about
      // which one matched.
      if (sameSignature(this.mac(this.hashers[i]!, name, value), given)) valid = true;
      if (this.express && unsignExpress(body, this.keys[i]!) !== false) valid = true;
    }
    return valid ? value : undefined;
  }
}

/**
 * Whether a signature the client sent equals the expected one (base64url, ASCII), comparing
 * every character whatever the first difference, so timing tells nothing about where it is.
 */
function sameSignature(expected: string, given: string): boolean {
  if (expected.length !== given.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

/** A record with no prototype: `"constructor"` or `"__proto__"` are ordinary (absent) names. */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Parses a `Cookie` header into a prototype-free record. Names are percent-decoded like values
 * (`key%20one=v` is `"key one"`); the first cookie of a name wins. Never throws.
 */
function parseCookieHeader(header: string | null): Record<string, string> {
  if (!header) return emptyRecord();
  let parsed: Record<string, string | undefined>;
  try {
    parsed = parseCookie(header);
  } catch {
    return emptyRecord();
  }
  // Without a `%` no name needs decoding: the parsed record (prototype-free, first cookie of a
  // name kept, every value a string) is the answer as it is.
  if (!header.includes("%")) return parsed as Record<string, string>;
  const out = emptyRecord<string>();
  for (const name of Object.keys(parsed)) {
    const value = parsed[name];
    if (value === undefined) continue;
    const decoded = name.includes("%") ? decodeName(name) : name;
    if (out[decoded] === undefined) out[decoded] = value;
  }
  return out;
}

/**
 * Cookies sent by the client, parsed on first use. Any name is safe to ask for (names are
 * looked up in a prototype-free record); a malformed header never throws.
 */
export class RequestCookies {
  private parsed: Record<string, string> | undefined;

  constructor(
    private readonly header: string | null,
    private readonly signer?: CookieSigner,
  ) {}

  private all(): Record<string, string> {
    if (this.parsed === undefined) this.parsed = parseCookieHeader(this.header);
    return this.parsed;
  }

  private value(name: string): string | undefined {
    const value = this.all()[name];
    return typeof value === "string" ? value : undefined;
  }

  /** The cookie's value, or `undefined` when absent. Signed cookies come back verified. */
  get(name: string): string | undefined {
    const value = this.value(name);
    if (value !== undefined && this.signer && value.startsWith(SIGNED_PREFIX)) {
      return this.signer.unsign(name, value);
    }
    return value;
  }

  /**
   * A signed cookie's value when its signature is valid; `undefined` when it is missing,
   * unsigned or tampered with. Requires the app's `cookieSecret`.
   */
  getSigned(name: string): string | undefined {
    if (!this.signer) throw new Error("req.cookies.getSigned() needs harpia({ cookieSecret })");
    const value = this.value(name);
    return value === undefined ? undefined : this.signer.unsign(name, value);
  }

  /** Whether the client sent a cookie with this name. */
  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  /**
   * Every cookie as a name → value record with no prototype (signed ones verified, tampered
   * ones left out).
   */
  getAll(): Record<string, string> {
    const out = emptyRecord<string>();
    for (const name of Object.keys(this.all())) {
      const value = this.get(name);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
}

function lower<T extends string>(value: T | undefined): Lowercase<T> | undefined {
  return value === undefined ? undefined : (value.toLowerCase() as Lowercase<T>);
}

/** RFC 6265 cookie-name characters (as the `cookie` package checks them). */
const COOKIE_NAME = /^[\u0021-\u003A\u003C\u003E-\u007E]+$/;

/**
 * Serialises one `Set-Cookie` header value. A name with characters a cookie name cannot hold
 * (spaces, `;`, `=`, non-ASCII) is percent-encoded, as the request side decodes it.
 */
export function serializeCookie(name: string, value: string, options: CookiesOptions = {}): string {
  const sameSite = options.sameSite;
  return stringifySetCookie({
    name: COOKIE_NAME.test(name) ? name : encodeURIComponent(name),
    value,
    path: options.path ?? "/",
    domain: options.domain,
    maxAge: options.maxAge,
    expires: options.expires,
    httpOnly: options.httpOnly,
    secure: options.secure,
    partitioned: options.partitioned,
    priority: lower(options.priority),
    sameSite: typeof sameSite === "string" ? lower(sameSite) : sameSite,
  });
}

/** Cookies to send with the response, written as `Set-Cookie` headers. */
export class ResponseCookies {
  constructor(
    private readonly append: (header: string) => void,
    private readonly signer?: CookieSigner,
  ) {}

  /** Sets a cookie. Values may hold any characters (`=`, `;`, non-ASCII): they are encoded. */
  set(name: string, value: string, options: CookiesOptions = {}): this {
    if (
      options.sameSite !== undefined &&
      String(options.sameSite).toLowerCase() === "none" &&
      !options.secure
    ) {
      throw new Error(
        `Cookie "${name}": sameSite "None" requires secure: true (browsers reject it otherwise)`,
      );
    }
    let stored = value;
    if (options.signed) {
      if (!this.signer) throw new Error(`Cookie "${name}" is signed but the app has no cookieSecret`);
      stored = this.signer.sign(name, value);
    }
    this.append(serializeCookie(name, stored, options));
    return this;
  }

  /** Expires a cookie now. Pass the same `path`/`domain` it was set with. */
  delete(
    name: string,
    options: Pick<CookiesOptions, "path" | "domain" | "secure" | "sameSite" | "httpOnly"> = {},
  ): this {
    this.append(serializeCookie(name, "", { ...options, maxAge: 0, expires: new Date(0) }));
    return this;
  }
}
