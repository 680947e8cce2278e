import { BlockList, isIP } from "node:net";

/**
 * Compiles a list of IP addresses and CIDR ranges (`"127.0.0.1"`, `"10.0.0.0/8"`, `"::1"`,
 * `"fd00::/8"`) into a matcher on `node:net`'s `BlockList`, once. A bad entry is a `TypeError`
 * naming `option`. `BlockList` matches an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, what
 * dual-stack sockets report) against the IPv4 ranges too.
 */
export function compileAllowList(entries: unknown, option: string): (address: string | undefined) => boolean {
  if (!Array.isArray(entries))
    throw new TypeError(`${option} must be a list of IP addresses or CIDR ranges, got ${typeof entries}`);
  const list = new BlockList();
  for (const raw of entries) {
    if (typeof raw !== "string")
      throw new TypeError(`${option}: entries are strings (IP addresses or CIDR ranges), got ${typeof raw}`);
    const entry = raw.trim();
    const slash = entry.indexOf("/");
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const prefix = slash === -1 ? bits : Number(entry.slice(slash + 1));
    const badPrefix = slash !== -1 && (!/^\d{1,3}$/.test(entry.slice(slash + 1)) || prefix > bits);
    if (family === 0 || badPrefix)
      throw new TypeError(`${option}: "${raw}" is not an IP address or a CIDR range (such as "10.0.0.0/8")`);
    list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return (address) => {
    if (address === undefined) return false;
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 6 ? "ipv6" : "ipv4");
  };
}
