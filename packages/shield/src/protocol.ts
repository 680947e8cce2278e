import type { HarpiaRequest, TrustProxy } from "@harpia/core";

/**
 * Whether a request reached the app over HTTPS: the request URL's protocol, or, when a proxy
 * is trusted, the `X-Forwarded-Proto` it added (the entry `n` hops from the right for a
 * numeric `trustProxy`, the left-most for `true`).
 */
export function isSecureRequest(req: HarpiaRequest<any>, trustProxy: TrustProxy): boolean {
  if (req.url.startsWith("https:")) return true;
  if (trustProxy === false || trustProxy === 0) return false;
  const header = req.headers.get("x-forwarded-proto");
  if (!header) return false;
  const hops = header
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  if (hops.length === 0) return false;
  const proto = trustProxy === true ? hops[0] : hops[Math.max(0, hops.length - trustProxy)];
  return proto === "https";
}
