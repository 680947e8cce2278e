import type { HarpiaRequest } from "@harpia/core";

/**
 * @deprecated The old `Telemetry({ trustProxy })` option, now ignored: the visitor's IP is
 * `req.ip`, which follows the app's `harpia({ trustProxy })`.
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

/**
 * The visitor's IP: `req.ip`, the app's one client address (it follows `harpia({ trustProxy })`),
 * in canonical form; `"unknown"` when there is none. Telemetry reads no forwarding header itself.
 */
export function visitorIp(req: HarpiaRequest<any>): string {
  return normalizeIp(req.ip) ?? "unknown";
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
