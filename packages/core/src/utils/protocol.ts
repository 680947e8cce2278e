import type { HarpiaRequest } from "../request";
import { forwardedEntry, socketAddress, type TrustProxy, trustFor } from "./internal/ip";

/**
 * `"https"` or `"http"`: how the client reached the app under a given trust-proxy policy. The
 * request URL's protocol, or the `X-Forwarded-Proto` a trusted proxy added (same rules as
 * `req.ip`).
 *
 * Prefer `req.protocol` / `req.secure`, which follow the app's own `trustProxy`: one setting
 * for the whole app. This helper is for code that must judge a request under another policy.
 */
export function requestProtocol(
  req: Pick<HarpiaRequest<any>, "url" | "headers"> & Partial<Pick<HarpiaRequest<any>, "raw" | "server">>,
  trustProxy: TrustProxy,
): "http" | "https" {
  if (req.url.startsWith("https:")) return "https";
  const trust = trustFor(trustProxy);
  if (!trust.enabled) return "http";
  const socket = () => (req.raw === undefined ? undefined : socketAddress(req.raw, req.server));
  const { trusted } = trust.resolve(req.headers, socket);
  return forwardedEntry(req.headers.get("x-forwarded-proto"), trusted)?.toLowerCase() === "https"
    ? "https"
    : "http";
}
