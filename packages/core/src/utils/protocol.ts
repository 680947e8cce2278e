import type { HarpiaRequest } from "../request";
import { forwardedEntry, type TrustProxy } from "./internal/ip";

/**
 * `"https"` or `"http"`: how the client reached the app. The request URL's protocol, or, when a
 * proxy is trusted, the `X-Forwarded-Proto` it added (same hop rules as `req.ip`). For packages
 * with their own trust setting (sessions' `Secure` cookies, HSTS); `req.protocol` uses the app's.
 */
export function requestProtocol(
  req: Pick<HarpiaRequest<any>, "url" | "headers">,
  trustProxy: TrustProxy,
): "http" | "https" {
  if (req.url.startsWith("https:")) return "https";
  return forwardedEntry(req.headers.get("x-forwarded-proto"), trustProxy)?.toLowerCase() === "https"
    ? "https"
    : "http";
}
