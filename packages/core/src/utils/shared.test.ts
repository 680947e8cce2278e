import { describe, expect, test } from "bun:test";
import {
  byteLength,
  createNonce,
  hstsHeader,
  isThenable,
  pathWithin,
  randomToken,
  safeEqual,
  trimSlashes,
  trimTrailingSlash,
} from "./index";

describe("@harpia/core/utils", () => {
  test("createNonce: 144 random bits, base64url, never repeated", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => randomToken(0)).toThrow(TypeError);
  });

  test("hstsHeader: defaults, options, off, and checked maxAge", () => {
    expect(hstsHeader(undefined)).toBe("max-age=15552000; includeSubDomains");
    expect(hstsHeader(true)).toBe("max-age=15552000; includeSubDomains");
    expect(hstsHeader({ maxAge: 60, includeSubDomains: false, preload: true })).toBe("max-age=60; preload");
    expect(hstsHeader(false)).toBeUndefined();
    expect(() => hstsHeader({ maxAge: 1.5 }, "shield strictTransportSecurity")).toThrow(
      "shield strictTransportSecurity.maxAge must be a whole number of seconds",
    );
  });

  test("paths: containment by whole segments and slash trimming", () => {
    expect(pathWithin("/panel/x", "/panel")).toBe(true);
    expect(pathWithin("/panel", "/panel")).toBe(true);
    expect(pathWithin("/panelx", "/panel")).toBe(false);
    expect(pathWithin("/anything", "/")).toBe(true);
    expect(trimTrailingSlash("/books/")).toBe("/books");
    expect(trimTrailingSlash("/")).toBe("/");
    expect(trimSlashes("//api/v1//")).toBe("api/v1");
    expect(trimSlashes("///")).toBe("");
  });

  test("safeEqual compares strings of any length in constant time", () => {
    expect(safeEqual("token", "token")).toBe(true);
    expect(safeEqual("token", "tokens")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
    expect(safeEqual(undefined as never, "x")).toBe(false);
  });

  test("isThenable and byteLength", () => {
    expect(isThenable(Promise.resolve())).toBe(true);
    // biome-ignore lint/suspicious/noThenProperty: a thenable from another promise library
    expect(isThenable({ then() {} })).toBe(true);
    // biome-ignore lint/suspicious/noThenProperty: a `then` that is not a method
    expect(isThenable({ then: 1 })).toBe(false);
    expect(isThenable(null)).toBe(false);
    expect(byteLength("é")).toBe(2);
    expect(byteLength(new Uint8Array(3))).toBe(3);
    expect(byteLength(new Blob(["abcd"]))).toBe(4);
    expect(byteLength(new ReadableStream())).toBeUndefined();
  });
});
