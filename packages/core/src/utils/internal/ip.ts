import type { AddressSource } from "../../request";

/**
 * Which proxies to believe about the client (address, protocol):
 * - `false` (default): the socket and the request URL only;
 * - `true`: every proxy, so the left-most `X-Forwarded-*` entry is the client's;
 * - a number `n`: the last `n` hops are trusted proxies (the entry `n` from the right).
 */
export type TrustProxy = boolean | number;

/** The entry of a comma-separated `X-Forwarded-*` header that `trust` designates, if any. */
export function forwardedEntry(header: string | null, trust: TrustProxy): string | undefined {
  if (!header || trust === false || trust === 0) return undefined;
  const hops = header
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  if (hops.length === 0) return undefined;
  return trust === true ? hops[0] : hops[Math.max(0, hops.length - trust)];
}

function socketAddress(request: Request, server: AddressSource | undefined): string | undefined {
  try {
    return server?.requestIP(request)?.address ?? undefined;
  } catch {
    return undefined;
  }
}

/** The client address of a request under a trust-proxy policy. */
export function clientAddress(
  request: Request,
  server: AddressSource | undefined,
  trust: TrustProxy,
): string | undefined {
  return forwardedEntry(request.headers.get("x-forwarded-for"), trust) ?? socketAddress(request, server);
}
