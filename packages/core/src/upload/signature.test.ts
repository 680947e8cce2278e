import { describe, expect, test } from "bun:test";
import { claimedTypes, SIGNATURE_BYTES, sniffType } from "./signature";

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(
    values.flatMap((v) => (typeof v === "string" ? Array.from(v, (c) => c.charCodeAt(0)) : [v])),
  );

describe("sniffType", () => {
  test("recognises JPEG, PNG, GIF, WebP and PDF by their first bytes", () => {
    expect(sniffType(bytes(0xff, 0xd8, 0xff, 0xdb))).toBe("image/jpeg");
    expect(sniffType(bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a))).toBe("image/png");
    expect(sniffType(bytes("GIF89a"))).toBe("image/gif");
    expect(sniffType(bytes("GIF87a"))).toBe("image/gif");
    expect(sniffType(bytes("RIFF", 0, 0, 0, 0, "WEBP"))).toBe("image/webp");
    expect(sniffType(bytes("%PDF-1.7"))).toBe("application/pdf");
  });

  test("anything else, truncated headers and look-alikes are unknown", () => {
    expect(sniffType(bytes("<html>"))).toBeUndefined();
    expect(sniffType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(sniffType(bytes("RIFF", 0, 0, 0, 0, "WAVE"))).toBeUndefined();
    expect(sniffType(new Uint8Array(0))).toBeUndefined();
  });

  test("SIGNATURE_BYTES covers the longest signature", () => {
    expect(SIGNATURE_BYTES).toBeGreaterThanOrEqual(12);
  });
});

describe("claimedTypes", () => {
  test("a file claims a verified type by declared type (or alias) and by extension", () => {
    expect(claimedTypes("image/jpeg", ".jpg")).toEqual(["image/jpeg"]);
    expect(claimedTypes("image/pjpeg", "")).toEqual(["image/jpeg"]);
    expect(claimedTypes("image/png", ".jpg").sort()).toEqual(["image/jpeg", "image/png"]);
    expect(claimedTypes("application/octet-stream", ".pdf")).toEqual(["application/pdf"]);
    expect(claimedTypes("text/plain", ".txt")).toEqual([]);
  });
});
