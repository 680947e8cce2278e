import type { CookiesOptions, HarpiaRequest, TrustProxy } from "@harpia/core";
import { requestProtocol } from "@harpia/core/utils";
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
 * there is one (`req.secure`, which follows the app's `trustProxy`), otherwise `withoutRequest`
 * (for setting: `Secure` unless `NODE_ENV` is `development`). `legacyTrust` is the deprecated
 * `Session({ trustProxy })`: while set, its proxy's `X-Forwarded-Proto: https` also counts.
 */
export function resolveCookieOptions(
  options: SessionCookieOptions,
  req: HarpiaRequest<any> | undefined,
  legacyTrust: TrustProxy | undefined,
  withoutRequest: boolean = process.env.NODE_ENV !== "development",
): CookiesOptions {
  const { secure, ...rest } = options;
  let resolved: boolean;
  if (secure === "auto" || secure === undefined) {
    resolved = req
      ? req.secure || (legacyTrust !== undefined && requestProtocol(req, legacyTrust) === "https")
      : withoutRequest;
  } else {
    resolved = secure;
  }
  // Browsers drop SameSite=None cookies that are not Secure; never emit one.
  if (String(rest.sameSite).toLowerCase() === "none") resolved = true;
  return { ...rest, secure: resolved };
}

let warnedTrustProxy = false;

/** `Session({ trustProxy })` is deprecated; say so once per process. */
export function warnSessionTrustProxy(): void {
  if (warnedTrustProxy) return;
  warnedTrustProxy = true;
  console.warn(
    '[harpia/session] the Session `trustProxy` option is deprecated: `secure: "auto"` follows req.secure, ' +
      "which uses the app's setting. Set harpia({ trustProxy }) instead and drop it here.",
  );
}
