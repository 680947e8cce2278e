import { describe, expect, test } from "bun:test";
import { safeRedirectTarget } from "./index";

const base = "https://app.example/login?next=x";
const safe = (target: unknown) => safeRedirectTarget(target, { base, fallback: "/home" });

describe("safeRedirectTarget", () => {
  // Each of these sends a browser to another site (or runs script) when used as a Location.
  const attacks: [string, unknown][] = [
    ["scheme-relative", "//evil.example"],
    ["scheme-relative with path", "//evil.example/path?x=1"],
    ["tab between the slashes (browsers drop it)", "/\t/evil.example/"],
    ["newline between the slashes", "/\n/evil.example"],
    ["carriage return", "/\r/evil.example"],
    ["leading space and control characters", " \u0000\u001f//evil.example"],
    ["backslash", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["backslash and slash", "\\/evil.example"],
    ["absolute URL", "https://evil.example/"],
    ["other scheme, same host", "http://app.example/account"],
    ["other port", "https://app.example:8443/account"],
    ["look-alike host", "https://app.example.evil.example/"],
    ["userinfo", "https://app.example@evil.example/"],
    ["userinfo on our own host", "https://user:pass@app.example/"],
    ["other scheme without slashes", "http:evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["JaVaScRiPt: with a tab", "java\tscript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["dot segment making //host", "/.//evil.example"],
    ["dot-dot segment making //host", "/a/..//evil.example"],
    ["encoded dot segment making //host", "/%2e//evil.example"],
    ["not a string", ["/account"]],
    ["undefined", undefined],
    ["empty", ""],
    ["blank", "   "],
  ];
  for (const [name, target] of attacks) {
    test(`refuses ${name}`, () => {
      expect(safe(target)).toBe("/home");
    });
  }

  // Escapes stay escaped: a browser does not decode them in a Location, so they stay on the site.
  const local: [string, string][] = [
    ["/account", "/account"],
    ["/account?tab=notes&x=1#top", "/account?tab=notes&x=1#top"],
    ["/", "/"],
    ["account", "/account"],
    ["./settings", "/settings"],
    ["?page=2", "/login?page=2"],
    ["/a/../b", "/b"],
    ["https://app.example/books/1?x=y", "/books/1?x=y"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/caf\u00e9", "/caf%C3%A9"],
    ["  /account  ", "/account"],
    // Same scheme without slashes is a relative path to browsers too.
    ["https:evil.example", "/evil.example"],
  ];
  for (const [target, expected] of local) {
    test(`keeps ${JSON.stringify(target)} as ${expected}`, () => {
      expect(safe(target)).toBe(expected);
      // What a browser would make of the answer stays on the site.
      expect(new URL(expected, base).origin).toBe("https://app.example");
    });
  }

  test("without a base, only site-relative targets pass", () => {
    expect(safeRedirectTarget("/account?x=1")).toBe("/account?x=1");
    expect(safeRedirectTarget("https://app.example/account")).toBe("/");
    expect(safeRedirectTarget("//evil.example", { fallback: "/start" })).toBe("/start");
  });

  test("a bad fallback or base is the programmer's mistake: a TypeError", () => {
    expect(() => safeRedirectTarget("/x", { fallback: "https://evil.example" })).toThrow(TypeError);
    expect(() => safeRedirectTarget("/x", { fallback: "//evil.example" })).toThrow(TypeError);
    expect(() => safeRedirectTarget("/x", { base: "/relative" })).toThrow(/absolute URL/);
  });
});
