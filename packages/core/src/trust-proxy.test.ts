import { describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia, { type HarpiaOptions } from "./index";
import { requestProtocol } from "./utils";

/** An app answering what it believes about the client, asked from `socket` with `headers`. */
async function seen(
  trustProxy: HarpiaOptions["trustProxy"],
  socket: string,
  headers: Record<string, string>,
) {
  const app = harpia({ trustProxy });
  app.get("/", (req) => ({ ip: req.ip ?? null, protocol: req.protocol }));
  const request = new TestClient(app).get("/").ip(socket);
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return (await request.execute()).json() as Promise<{ ip: string | null; protocol: string }>;
}

describe("trustProxy: a list of trusted proxies (Express's `trust proxy` semantics)", () => {
  const xff = { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" };

  test("walks from the socket while the address is a trusted proxy; the first other one is the client", async () => {
    expect((await seen(["10.0.0.0/8"], "10.0.0.7", xff)).ip).toBe("203.0.113.9");
    expect((await seen("10.0.0.0/8", "10.0.0.7", xff)).ip).toBe("203.0.113.9");
  });

  test("a request that does not come from a trusted proxy is believed about nothing", async () => {
    expect(await seen(["10.0.0.0/8"], "198.51.100.1", { ...xff, "x-forwarded-proto": "https" })).toEqual({
      ip: "198.51.100.1",
      protocol: "http",
    });
  });

  test("X-Forwarded-Proto from the trusted hop", async () => {
    expect((await seen("10.0.0.0/8", "10.0.0.7", { "x-forwarded-proto": "https" })).protocol).toBe("https");
  });

  test("names, comma-separated strings, IPv6 ranges and IPv4-mapped sockets", async () => {
    const local = { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 127.0.0.1" };
    expect((await seen("loopback", "127.0.0.1", local)).ip).toBe("203.0.113.9");
    expect((await seen("loopback", "::1", local)).ip).toBe("203.0.113.9");
    // 10.0.0.2 is no loopback proxy: it is the client as far as this app can tell.
    expect((await seen("loopback", "127.0.0.1", xff)).ip).toBe("10.0.0.2");
    expect((await seen("127.0.0.1, 10.0.0.2", "127.0.0.1", xff)).ip).toBe("203.0.113.9");
    expect((await seen(["uniquelocal"], "::ffff:10.0.0.7", xff)).ip).toBe("203.0.113.9");
    expect((await seen(["fd00::/8"], "fd00::5", { "x-forwarded-for": "2001:db8::1" })).ip).toBe(
      "2001:db8::1",
    );
    expect((await seen({ proxies: ["10.0.0.0/8"] }, "10.0.0.7", xff)).ip).toBe("203.0.113.9");
  });

  test("every hop trusted: the left-most entry", async () => {
    const all = { "x-forwarded-for": "10.1.1.1, 10.0.0.2" };
    expect((await seen(["10.0.0.0/8"], "10.0.0.7", all)).ip).toBe("10.1.1.1");
  });
});

describe("trustProxy: hops and true", () => {
  const xff = { "x-forwarded-for": "203.0.113.9, 10.0.0.1, 10.0.0.2" };

  test("{ hops: n } is the number n", async () => {
    expect((await seen({ hops: 2 }, "10.0.0.7", xff)).ip).toBe("10.0.0.1");
    expect((await seen(2, "10.0.0.7", xff)).ip).toBe("10.0.0.1");
    expect((await seen({ hops: 0 }, "10.0.0.7", xff)).ip).toBe("10.0.0.7");
  });

  test("junk a client put in front ends the walk at the proxy that received it", async () => {
    expect((await seen(true, "10.0.0.7", { "x-forwarded-for": "<script>, 203.0.113.9" })).ip).toBe(
      "203.0.113.9",
    );
    expect((await seen(1, "10.0.0.7", { "x-forwarded-for": "not-an-ip" })).ip).toBe("10.0.0.7");
  });

  test("ports and brackets some proxies add are dropped", async () => {
    expect((await seen(1, "10.0.0.7", { "x-forwarded-for": "203.0.113.9:5555" })).ip).toBe("203.0.113.9");
    expect((await seen(1, "10.0.0.7", { "x-forwarded-for": "[2001:db8::1]:443" })).ip).toBe("2001:db8::1");
  });
});

describe("trustProxy: { header } for a CDN's single-valued header", () => {
  const cdn = { "cf-connecting-ip": "198.51.100.7", "x-forwarded-for": "6.6.6.6" };

  test("the header names the client; X-Forwarded-For is not read", async () => {
    expect((await seen({ header: "CF-Connecting-IP" }, "172.64.0.1", cdn)).ip).toBe("198.51.100.7");
  });

  test("without the header, or with junk in it, the socket address", async () => {
    expect((await seen({ header: "cf-connecting-ip" }, "172.64.0.1", {})).ip).toBe("172.64.0.1");
    expect((await seen({ header: "x-real-ip" }, "172.64.0.1", { "x-real-ip": "1.2.3.4, 5.6.7.8" })).ip).toBe(
      "172.64.0.1",
    );
  });

  test("with proxies, only a request from one of them is believed", async () => {
    const trust = { header: "cf-connecting-ip", proxies: ["172.64.0.0/13"] };
    expect((await seen(trust, "172.64.0.1", cdn)).ip).toBe("198.51.100.7");
    expect((await seen(trust, "203.0.113.50", cdn)).ip).toBe("203.0.113.50");
  });
});

describe("trustProxy is checked when the app is created", () => {
  test("a clear TypeError for each mistake", () => {
    expect(() => harpia({ trustProxy: ["10.0.0.0/33"] })).toThrow(/10\.0\.0\.0\/33.*not an IP address/);
    expect(() => harpia({ trustProxy: "everyone" })).toThrow(/"everyone"/);
    expect(() => harpia({ trustProxy: "constructor" })).toThrow(/"constructor"/);
    expect(() => harpia({ trustProxy: [] })).toThrow(/empty/);
    expect(() => harpia({ trustProxy: -1 })).toThrow(/whole number/);
    expect(() => harpia({ trustProxy: { hops: 1, header: "x-real-ip" } })).toThrow(/hops/);
    expect(() => harpia({ trustProxy: { header: "x-forwarded-for" } })).toThrow(/list of hops/);
    expect(() => harpia({ trustProxy: { header: "bad header" } })).toThrow(/header name/);
    expect(() => harpia({ trustProxy: { hop: 1 } as never })).toThrow(/unknown option "hop"/);
    expect(() => harpia({ trustProxy: {} })).toThrow(/give `hops`, `proxies` or `header`/);
  });
});

describe("requestProtocol(req, trust) for another policy than the app's", () => {
  test("takes every form of TrustProxy", async () => {
    const app = harpia();
    app.get("/", (req) => ({
      list: requestProtocol(req, ["10.0.0.0/8"]),
      hops: requestProtocol(req, 1),
      none: requestProtocol(req, false),
      app: req.protocol,
    }));
    const ask = (socket: string) =>
      new TestClient(app).get("/").ip(socket).set("x-forwarded-proto", "https").execute();
    expect(await (await ask("10.0.0.7")).json()).toEqual({
      list: "https",
      hops: "https",
      none: "http",
      app: "http",
    });
    expect((await (await ask("203.0.113.9")).json()).list).toBe("http");
  });
});
