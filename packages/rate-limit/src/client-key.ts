import { isIP } from "node:net";

/** Prefix of an IPv4 address written as IPv6 (`::ffff:127.0.0.1`, what dual-stack sockets report). */
const MAPPED = "::ffff:";
/** User keys longer than this are stored as their SHA-256. */
const LONGEST_KEY = 128;

/** The 8 groups of an IPv6 address (`::` expanded, an IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const zone = address.indexOf("%");
  if (zone !== -1) address = address.slice(0, zone);
  const parse = (part: string): number[] => {
    if (part === "") return [];
    const groups: number[] = [];
    for (const piece of part.split(":")) {
      if (piece.includes(".")) {
        const [a, b, c, d] = piece.split(".").map(Number) as [number, number, number, number];
        groups.push((a << 8) | b, (c << 8) | d);
      } else groups.push(Number.parseInt(piece, 16));
    }
    return groups;
  };
  const gap = address.indexOf("::");
  if (gap === -1) return parse(address);
  const head = parse(address.slice(0, gap));
  const tail = parse(address.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The `/bits` network of an IPv6 address, written `2001:db8:0:0:0:0:0:0/56`. */
export function ipv6Network(address: string, bits: number): string {
  const groups = ipv6Groups(address);
  for (let i = 0; i < 8; i++) {
    const kept = bits - i * 16;
    if (kept >= 16) continue;
    groups[i] = kept <= 0 ? 0 : groups[i]! & (0xffff << (16 - kept)) & 0xffff;
  }
  return `${groups.map((group) => group.toString(16)).join(":")}/${bits}`;
}

/**
 * The counter key of a client address: an IPv4 address as is (also when written as
 * IPv4-mapped IPv6), an IPv6 address as its `/ipv6Subnet` network, since one subscriber
 * usually holds a whole /64 or /56 and could otherwise take a new address per request.
 */
export function addressKey(ip: string | undefined, ipv6Subnet: number | false): string {
  if (ip === undefined) return "unknown";
  if (ip.startsWith(MAPPED) && isIP(ip.slice(MAPPED.length)) === 4) return `ip:${ip.slice(MAPPED.length)}`;
  if (ipv6Subnet === false || ipv6Subnet === 128 || isIP(ip) !== 6) return `ip:${ip}`;
  return `ip:${ipv6Network(ip, ipv6Subnet)}`;
}

/** The counter key of a `key(req)` value: kept apart from addresses, long ones hashed. */
export function userKey(value: string): string {
  if (value.length <= LONGEST_KEY) return `key:${value}`;
  return `key#${new Bun.CryptoHasher("sha256").update(value).digest("hex")}`;
}
