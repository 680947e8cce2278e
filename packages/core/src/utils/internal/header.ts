import { ErrorCode, HttpError } from "../../errors";

/** A header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * What `Headers` refuses in a value: CR, LF, NUL, and anything beyond Latin-1. Written as the
 * complement of what it accepts, which JSC tests faster than the positive class.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the accepted control characters are the point
const FORBIDDEN = /[^\x01-\x09\x0b\x0c\x0e-\xff]/;

/**
 * Valid names seen so far, each with its lower-case form: apps set the same few names on every
 * response, so each is checked and lower-cased once. Bounded; past the bound names are checked
 * on every call.
 */
const KNOWN_NAMES = new Map<string, string>();
const KNOWN_NAMES_MAX = 512;

function invalidName(where: string, name: string): HttpError {
  return new HttpError(500, `${where}: ${JSON.stringify(String(name))} is not a valid header name`, {
    code: ErrorCode.INVALID_HEADER,
  });
}

/**
 * Checks a header name as {@link checkHeader} does and returns it lower-cased (cached for the
 * names an app keeps setting).
 */
export function headerName(where: string, name: string): string {
  const known = KNOWN_NAMES.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) throw invalidName(where, name);
  const lower = name.toLowerCase();
  if (typeof name === "string" && KNOWN_NAMES.size < KNOWN_NAMES_MAX) KNOWN_NAMES.set(name, lower);
  return lower;
}

/** Checks a header value as {@link checkHeader} does (`name` is for the message). */
export function checkHeaderValue(where: string, name: string, value: string): void {
  if (FORBIDDEN.test(value))
    throw new HttpError(
      500,
      `${where}: the value of "${name}" contains CR, LF, NUL or a character beyond U+00FF, which a header cannot carry`,
      { code: ErrorCode.INVALID_HEADER },
    );
}

/**
 * Refuses a header the response could not carry, where it is set, so the failure is an error
 * the app's error handler answers (500, `INVALID_HEADER`) instead of a crash when the
 * `Response` is built. Refuses exactly what `Headers` does.
 */
export function checkHeader(where: string, name: string, value: string): void {
  if (!KNOWN_NAMES.has(name) && !TOKEN.test(name)) throw invalidName(where, name);
  checkHeaderValue(where, name, value);
}
