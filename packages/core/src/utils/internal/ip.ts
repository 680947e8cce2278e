import { BlockList, isIP } from "node:net";

/** Anything that can tell a request's socket address (a Bun `Server`, or a stand-in in tests). */
export interface AddressSource {
  requestIP(request: Request): { address: string; family?: string; port?: number } | null;
}

/**
 * Which proxies to believe about the client (address, protocol, host). `req.ip` is the one
 * client address of the app: packages never read forwarding headers themselves.
 *
 * - `false` (default) or `0`: the socket and the request URL only;
 * - a number `n`, or `{ hops: n }`: `n` proxies stand in front of the app, so the client is the
 *   `X-Forwarded-For` entry `n` from the right (the left-most when the list is shorter);
 * - `true`: every hop is a proxy, so the left-most `X-Forwarded-For` entry is the client's
 *   (only when nobody can reach the app without passing a proxy that overwrites the header);
 * - addresses: a string or list of IPs, CIDR ranges (`"10.0.0.0/8"`, `"fd00::/8"`) and the names
 *   `"loopback"`, `"linklocal"`, `"uniquelocal"` (also comma-separated in one string), or
 *   `{ proxies }`. As with Express's `trust proxy`, the socket and then `X-Forwarded-For` are
 *   walked from the right while the address is a trusted proxy; the first other one is the client;
 * - `{ header: "cf-connecting-ip" }`: a single-valued header that your CDN or proxy sets (and
 *   overwrites) holds the client address; with `proxies`, only when the socket is one of them.
 */
export type TrustProxy = boolean | number | string | readonly string[] | TrustProxyOptions;

/** The object form of {@link TrustProxy}. */
export interface TrustProxyOptions {
  /** Number of proxies in front of the app. Not with `proxies`, nor with `header`. */
  hops?: number;
  /** Addresses, CIDR ranges or names (`loopback`, `linklocal`, `uniquelocal`) of trusted proxies. */
  proxies?: string | readonly string[];
  /** A single-valued header holding the client address (`cf-connecting-ip`, `x-real-ip`). */
  header?: string;
}

/** Where a request came from, as far as the trusted proxies tell. */
export interface ForwardedChain {
  /** The client address (a trusted proxy's word, or the socket's), when known. */
  client: string | undefined;
  /** How many trusted proxies the request passed: the `X-Forwarded-*` entry to read, from the right. */
  trusted: number;
}

/** A {@link TrustProxy} compiled once, at app creation. */
export interface ProxyTrust {
  /** Whether any forwarding header can ever be believed. */
  readonly enabled: boolean;
  /** The client address and the number of trusted hops of a request. */
  resolve(headers: Headers, socket: () => string | undefined): ForwardedChain;
}

const NAMED_RANGES = new Map<string, readonly [string, number, "ipv4" | "ipv6"][]>([
  [
    "loopback",
    [
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ],
  ],
  [
    "linklocal",
    [
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ],
  ],
  [
    "uniquelocal",
    [
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["fc00::", 7, "ipv6"],
    ],
  ],
]);

/**
 * One address as a proxy wrote it, without brackets or a port (`[::1]:80`, `1.2.3.4:80`), or
 * `undefined` when it is not an IP address.
 */
export function parseAddress(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  let text = value.trim();
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    text = end === -1 ? "" : text.slice(1, end);
  } else if (text.indexOf(":") !== -1 && text.indexOf(":") === text.lastIndexOf(":") && text.includes(".")) {
    text = text.slice(0, text.indexOf(":"));
  }
  return isIP(text) === 0 ? undefined : text;
}

function familyOf(address: string): "ipv4" | "ipv6" {
  return isIP(address) === 6 ? "ipv6" : "ipv4";
}

/** Whether an address is one of the trusted proxies (an address `BlockList` cannot read is not). */
function listed(proxies: BlockList, address: string | undefined): boolean {
  if (address === undefined) return false;
  try {
    return proxies.check(address, familyOf(address));
  } catch {
    return false;
  }
}

/** The trusted proxies as a `BlockList` (Bun's native address matcher), checked at creation. */
function compileProxies(value: string | readonly string[]): BlockList {
  const entries = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(entries) && typeof value !== "string")
    throw new TypeError("trustProxy: proxies are a string or a list of strings");
  const list = new BlockList();
  let count = 0;
  for (const raw of entries) {
    if (typeof raw !== "string") throw new TypeError("trustProxy: proxies are a string or a list of strings");
    const entry = raw.trim();
    if (entry === "") continue;
    count++;
    const named = NAMED_RANGES.get(entry.toLowerCase());
    if (named !== undefined) {
      for (const [network, prefix, family] of named) list.addSubnet(network, prefix, family);
      continue;
    }
    const slash = entry.indexOf("/");
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    const prefix = slash === -1 ? (family === 6 ? 128 : 32) : Number(entry.slice(slash + 1));
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw new TypeError(
        `trustProxy: "${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`,
      );
    list.addSubnet(address, prefix, familyOf(address));
  }
  if (count === 0) throw new TypeError("trustProxy: the list of trusted proxies is empty");
  return list;
}

function hopCount(value: unknown, option: string): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new TypeError(`trustProxy${option}: expected a whole number of proxy hops, got ${String(value)}`);
  return value as number;
}

/** The entries of a comma-separated `X-Forwarded-*` header, trimmed, empty ones dropped. */
function entries(header: string | null): string[] {
  if (!header) return [];
  const list: string[] = [];
  for (const part of header.split(",")) {
    const entry = part.trim();
    if (entry !== "") list.push(entry);
  }
  return list;
}

/**
 * Walks the socket, then `X-Forwarded-For` from the right, while `trusts(address, index)`.
 * The first untrusted address is the client; an entry that is not an IP address (a client's
 * junk in front of what the proxies added) ends the walk at the proxy that received it.
 */
function walk(
  headers: Headers,
  socket: string | undefined,
  trusts: (address: string | undefined, index: number) => boolean,
): ForwardedChain {
  if (!trusts(socket, 0)) return { client: socket, trusted: 0 };
  const hops = entries(headers.get("x-forwarded-for"));
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    const index = hops.length - i;
    const address = parseAddress(hops[i]);
    if (address === undefined) return { client, trusted: index };
    client = address;
    if (!trusts(address, index)) return { client, trusted: index };
  }
  return { client, trusted: hops.length + 1 };
}

const UNTRUSTED: ProxyTrust = {
  enabled: false,
  resolve: (_headers, socket) => ({ client: socket(), trusted: 0 }),
};

function chainTrust(trusts: (address: string | undefined, index: number) => boolean): ProxyTrust {
  return { enabled: true, resolve: (headers, socket) => walk(headers, socket(), trusts) };
}

function headerTrust(name: unknown, proxies: BlockList | undefined): ProxyTrust {
  if (typeof name !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw new TypeError(`trustProxy.header: expected a header name, got ${String(name)}`);
  const header = name.toLowerCase();
  if (header === "x-forwarded-for")
    throw new TypeError(
      "trustProxy.header: X-Forwarded-For holds a list of hops; use trustProxy: n (hops) or a list of proxies",
    );
  return {
    enabled: true,
    resolve(headers, socket) {
      const address = socket();
      if (proxies !== undefined && !listed(proxies, address)) return { client: address, trusted: 0 };
      return { client: parseAddress(headers.get(header)) ?? address, trusted: 1 };
    },
  };
}

/** Checks and compiles `harpia({ trustProxy })` (a clear `TypeError` for a bad value). */
export function compileTrustProxy(trust: TrustProxy | undefined): ProxyTrust {
  if (trust === undefined || trust === false) return UNTRUSTED;
  if (trust === true) return chainTrust(() => true);
  if (typeof trust === "number") {
    const hops = hopCount(trust, "");
    return hops === 0 ? UNTRUSTED : chainTrust((_address, index) => index < hops);
  }
  if (typeof trust === "string" || Array.isArray(trust)) {
    const proxies = compileProxies(trust as string | readonly string[]);
    return chainTrust((address) => listed(proxies, address));
  }
  if (typeof trust !== "object" || trust === null)
    throw new TypeError(
      `trustProxy: expected a boolean, a number, addresses or an object, got ${typeof trust}`,
    );
  const { hops, proxies, header } = trust as TrustProxyOptions;
  for (const key of Object.keys(trust))
    if (key !== "hops" && key !== "proxies" && key !== "header")
      throw new TypeError(`trustProxy: unknown option "${key}" (use hops, proxies or header)`);
  if (hops !== undefined && (proxies !== undefined || header !== undefined))
    throw new TypeError("trustProxy: `hops` counts proxies; it does not go with `proxies` or `header`");
  if (header !== undefined)
    return headerTrust(header, proxies === undefined ? undefined : compileProxies(proxies));
  if (hops !== undefined) return compileTrustProxy(hopCount(hops, ".hops"));
  if (proxies !== undefined) return compileTrustProxy(proxies);
  throw new TypeError("trustProxy: give `hops`, `proxies` or `header`");
}

const primitiveCache = new Map<unknown, ProxyTrust>();
const objectCache = new WeakMap<object, ProxyTrust>();

/**
 * A compiled trust for a value given per call (`requestProtocol(req, trust)`), compiled on first
 * use of that value and remembered.
 */
export function trustFor(trust: TrustProxy | ProxyTrust): ProxyTrust {
  if (typeof trust === "object" && trust !== null) {
    if ("resolve" in trust && typeof trust.resolve === "function") return trust as ProxyTrust;
    let compiled = objectCache.get(trust);
    if (compiled === undefined) {
      compiled = compileTrustProxy(trust as TrustProxy);
      objectCache.set(trust, compiled);
    }
    return compiled;
  }
  let compiled = primitiveCache.get(trust);
  if (compiled === undefined) {
    compiled = compileTrustProxy(trust);
    if (primitiveCache.size < 64) primitiveCache.set(trust, compiled);
  }
  return compiled;
}

/** The socket address of a request, when the server can tell it. */
export function socketAddress(request: Request, server: AddressSource | undefined): string | undefined {
  try {
    return server?.requestIP(request)?.address ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entry of a comma-separated `X-Forwarded-*` header (proto, host) that the trusted proxies
 * vouch for: the one `trusted` hops from the right (the left-most when the list is shorter).
 */
export function forwardedEntry(header: string | null, trusted: number): string | undefined {
  if (trusted === 0 || !header) return undefined;
  const list = entries(header);
  if (list.length === 0) return undefined;
  return list[Math.max(0, list.length - trusted)];
}
