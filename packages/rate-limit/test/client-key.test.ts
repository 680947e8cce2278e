// How client addresses become counter keys (internal helpers, checked directly).
import { describe, expect, test } from "bun:test";
import { addressKey, ipv6Network, userKey } from "../src/client-key";

describe("client keys", () => {
  test("IPv6 networks, whatever the notation", () => {
    expect(ipv6Network("2001:db8:aa:11ff:1:2:3:4", 56)).toBe("2001:db8:aa:1100:0:0:0:0/56");
    expect(ipv6Network("2001:0db8:00aa:1100::", 56)).toBe("2001:db8:aa:1100:0:0:0:0/56");
    expect(ipv6Network("2001:db8:aa:11ff:1:2:3:4", 64)).toBe("2001:db8:aa:11ff:0:0:0:0/64");
    expect(ipv6Network("2001:db8:aa:11ff:1:2:3:4", 60)).toBe("2001:db8:aa:11f0:0:0:0:0/60");
    expect(ipv6Network("::1", 56)).toBe("0:0:0:0:0:0:0:0/56");
    expect(ipv6Network("fe80::1%eth0", 64)).toBe("fe80:0:0:0:0:0:0:0/64");
    expect(ipv6Network("64:ff9b::192.0.2.33", 120)).toBe("64:ff9b:0:0:0:0:c000:200/120");
    expect(ipv6Network("2001:db8::", 8)).toBe("2000:0:0:0:0:0:0:0/8");
  });

  test("addresses: IPv4 as is (also IPv4-mapped), IPv6 by network, none as one shared key", () => {
    expect(addressKey("203.0.113.9", 56)).toBe("ip:203.0.113.9");
    expect(addressKey("::ffff:203.0.113.9", 56)).toBe("ip:203.0.113.9");
    expect(addressKey("2001:db8::1", 56)).toBe("ip:2001:db8:0:0:0:0:0:0/56");
    expect(addressKey("2001:db8::1", 128)).toBe("ip:2001:db8::1");
    expect(addressKey("2001:db8::1", false)).toBe("ip:2001:db8::1");
    expect(addressKey(undefined, 56)).toBe("unknown");
  });

  test("user keys: apart from addresses, long ones hashed", () => {
    expect(userKey("user-1")).toBe("key:user-1");
    expect(userKey("x".repeat(128))).toBe(`key:${"x".repeat(128)}`);
    expect(userKey("x".repeat(129))).toMatch(/^key#[0-9a-f]{64}$/);
    expect(userKey("x".repeat(129))).not.toBe(userKey(`${"x".repeat(128)}y`));
  });
});
