import type { CookiesOptions, HarpiaRequest, TrustProxy } from "@harpia/core";
import { requestProtocol } from "@harpia/core";
import type { SessionCookieOptions } from "./types";

/** The session cookie's defaults: hidden from scripts, not sent on cross-site subrequests. */
export const DEFAULT_COOKIE: Readonly<SessionCookieOptions> = Object.freeze({
  httpOnly: true,
  sameSite: "Lax",
  path: "/",
  secure: "auto",
});

/**
 * Turns session cookie options into core's, deciding `secure: "auto"`: from the request when
 * there is one, otherwise `withoutRequest` (for setting: `Secure` unless `NODE_ENV` is
 * `development`).
 */
export function resolveCookieOptions(
  options: SessionCookieOptions,
  req: HarpiaRequest<any> | undefined,
  trustProxy: TrustProxy,
  withoutRequest: boolean = process.env.NODE_ENV !== "development",
): CookiesOptions {
  const { secure, ...rest } = options;
  let resolved: boolean;
  if (secure === "auto" || secure === undefined) {
    resolved = req ? requestProtocol(req, trustProxy) === "https" : withoutRequest;
  } else {
    resolved = secure;
  }
  // Browsers drop SameSite=None cookies that are not Secure; never emit one.
  if (String(rest.sameSite).toLowerCase() === "none") resolved = true;
  return { ...rest, secure: resolved };
}
