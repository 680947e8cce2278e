import type { AddressSource } from "../../request";

/**
 * Which proxies to believe about the client address:
 * - `false` (default): the socket address only;
 * - `true`: every proxy, so the left-most `X-Forwarded-For` entry is the client;
 * - a number `n`: the last `n` hops are trusted proxies (the entry `n` from the right).
 */
export type TrustProxy = boolean | number;

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
  const socket = socketAddress(request, server);
  if (trust === false || trust === 0) return socket;
  const header = request.headers.get("x-forwarded-for");
  if (!header) return socket;
  const hops = header
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  if (hops.length === 0) return socket;
  if (trust === true) return hops[0];
  return hops[Math.max(0, hops.length - trust)];
}
