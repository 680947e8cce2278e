import type { HarpiaRequest } from "@harpia/core";

/**
 * Which proxy headers to believe for the visitor's IP:
 * - `undefined` (default): `req.ip`, which follows the app's own `trustProxy`;
 * - `true`: `CF-Connecting-IP`, then `X-Real-IP`, then the left-most `X-Forwarded-For` entry
 *   (the seed's behaviour; only safe when every request passes through your proxy);
 * - a number `n`: the `X-Forwarded-For` entry `n` hops from the right (`n` trusted proxies);
 * - `false`: the socket address only.
 */
export type TelemetryTrustProxy = boolean | number | undefined;

const IP_TEXT = /^[0-9a-fA-F:.]{2,45}$/;

/** Canonical text of an IP (`::ffff:1.2.3.4` → `1.2.3.4`), or `undefined` when it is not one. */
export function normalizeIp(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  let ip = value.trim();
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) ip = ip.slice(7);
  return IP_TEXT.test(ip) ? ip.toLowerCase() : undefined;
}

function forwardedHops(req: HarpiaRequest<any>): string[] {
  const header = req.headers.get("x-forwarded-for");
  if (!header) return [];
  return header
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop !== "");
}

/** The visitor's IP under a trust policy; `"unknown"` when there is none. */
export function visitorIp(req: HarpiaRequest<any>, trust: TelemetryTrustProxy): string {
  let candidate: string | null | undefined;
  if (trust === true) {
    candidate = req.headers.get("cf-connecting-ip") ?? req.headers.get("x-real-ip") ?? forwardedHops(req)[0];
  } else if (typeof trust === "number" && trust > 0) {
    const hops = forwardedHops(req);
    candidate = hops.length === 0 ? undefined : hops[Math.max(0, hops.length - trust)];
  } else if (trust === false) {
    candidate = req.server?.requestIP(req.raw)?.address;
  }
  return normalizeIp(candidate) ?? normalizeIp(trust === false ? undefined : req.ip) ?? "unknown";
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** An allow-list of IPs and IPv4 CIDR ranges (`10.0.0.0/8`), parsed once. */
export class IpAllowList {
  private readonly exact = new Set<string>();
  private readonly ranges: { base: number; size: number }[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (typeof entry !== "string") throw new TypeError("allowedIps takes strings");
      const [address, bits] = entry.trim().split("/");
      if (bits === undefined) {
        const ip = normalizeIp(address);
        if (ip === undefined) throw new TypeError(`allowedIps: "${entry}" is not an IP address`);
        this.exact.add(ip);
        continue;
      }
      const base = ipv4ToNumber(address ?? "");
      const prefix = Number(bits);
      if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32)
        throw new TypeError(`allowedIps: "${entry}" is not an IPv4 CIDR range`);
      const size = 2 ** (32 - prefix);
      this.ranges.push({ base: base - (base % size), size });
    }
  }

  /** Whether an IP is allowed. */
  has(value: string | undefined): boolean {
    const ip = normalizeIp(value);
    if (ip === undefined) return false;
    if (this.exact.has(ip)) return true;
    const numeric = ipv4ToNumber(ip);
    return numeric !== undefined && this.ranges.some((r) => numeric >= r.base && numeric < r.base + r.size);
  }
}
