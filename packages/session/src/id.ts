import { randomToken } from "@harpia/core/utils";

/** Random bytes in a session id: 192 bits, well above the 128 bits OWASP asks for. */
const ID_BYTES = 24;

/** What an id read from a cookie may look like: base64url, 8 to 256 characters. */
const ID_SHAPE = /^[A-Za-z0-9_-]{8,256}$/;

/** A new session id from the CSPRNG: 24 random bytes as base64url (32 characters). */
export function generateSessionId(): string {
  return randomToken(ID_BYTES);
}

/**
 * Whether `id` has the shape of a session id. Anything else (empty, huge, or with characters
 * no generator produces) is treated as "no session" without touching the store.
 */
export function isSessionId(id: unknown): id is string {
  return typeof id === "string" && ID_SHAPE.test(id);
}
