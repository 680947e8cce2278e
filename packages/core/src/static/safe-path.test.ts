import { describe, expect, test } from "bun:test";
import { decodeUrlPath, isInside, joinInside, resolveInside } from "./safe-path";

describe("decodeUrlPath", () => {
  test("decodes each segment once and reports a trailing slash", () => {
    expect(decodeUrlPath("/css/a%20b.css")).toEqual({
      ok: true,
      segments: ["css", "a b.css"],
      trailingSlash: false,
    });
    expect(decodeUrlPath("/docs/")).toEqual({ ok: true, segments: ["docs"], trailingSlash: true });
    expect(decodeUrlPath("//a///b")).toEqual({ ok: true, segments: ["a", "b"], trailingSlash: false });
    expect(decodeUrlPath("/%252e%252e")).toEqual({ ok: true, segments: ["%2e%2e"], trailingSlash: false });
  });

  test("refuses dot segments, encoded separators, NUL and control characters", () => {
    for (const path of [
      "/..",
      "/a/../b",
      "/%2e%2e",
      "/.%2E",
      "/.",
      "/..%2fx",
      "/a%2Fb",
      "/a%5cb",
      "/a\\b",
      "/a%00",
      "/a%0a",
    ]) {
      expect(decodeUrlPath(path)).toEqual({ ok: false, reason: "unsafe" });
    }
  });

  test("reports broken percent-encoding as malformed", () => {
    expect(decodeUrlPath("/%E0%A4%A")).toEqual({ ok: false, reason: "malformed" });
    expect(decodeUrlPath("/%zz")).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("containment", () => {
  test("a sibling folder sharing the root's name as a prefix is outside", () => {
    expect(isInside("/srv/public", "/srv/public/a.txt")).toBe(true);
    expect(isInside("/srv/public", "/srv/public")).toBe(true);
    expect(isInside("/srv/public", "/srv/public-secrets/a.txt")).toBe(false);
    expect(isInside("/srv/public", "/srv/a.txt")).toBe(false);
  });

  test("joinInside and resolveInside never return a path outside the root", () => {
    expect(joinInside("/srv/public", ["a", "b.txt"])).toBe("/srv/public/a/b.txt");
    expect(joinInside("/srv/public", ["..", "x"])).toBeUndefined();
    expect(resolveInside("/srv/public", "docs/./guide.txt")).toBe("/srv/public/docs/guide.txt");
    expect(resolveInside("/srv/public", "/guide.txt")).toBe("/srv/public/guide.txt");
    for (const name of ["../x", "a/../../x", "a\\..\\x", "x\0y", ".."]) {
      expect(resolveInside("/srv/public", name)).toBeUndefined();
    }
  });
});
