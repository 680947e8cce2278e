import { ErrorCode, HttpError } from "../../errors";

/** A header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What `Headers` refuses in a value: CR, LF, NUL, and anything beyond Latin-1. */
const FORBIDDEN = /[\0\r\n\u0100-\uffff]/;

/**
 * Refuses a header the response could not carry, where it is set, so the failure is an error
 * the app's error handler answers (500, `INVALID_HEADER`) instead of a crash when the
 * `Response` is built. Refuses exactly what `Headers` does.
 */
export function checkHeader(where: string, name: string, value: string): void {
  if (!TOKEN.test(name))
    throw new HttpError(500, `${where}: ${JSON.stringify(String(name))} is not a valid header name`, {
      code: ErrorCode.INVALID_HEADER,
    });
  if (FORBIDDEN.test(value))
    throw new HttpError(
      500,
      `${where}: the value of "${name}" contains CR, LF, NUL or a character beyond U+00FF, which a header cannot carry`,
      { code: ErrorCode.INVALID_HEADER },
    );
}
