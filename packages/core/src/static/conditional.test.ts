import { describe, expect, test } from "bun:test";
import {
  encodedEtag,
  etagListMatches,
  fileEtag,
  ifRangeAllows,
  isNotModified,
  parseRange,
  preconditionFails,
} from "./conditional";

const FILE = { size: 26, mtimeMs: Date.parse("2025-03-01T12:00:00.250Z") };
const ETAG = fileEtag(FILE);
const headers = (init: Record<string, string>) => new Headers(init);

describe("parseRange", () => {
  test("single ranges, clamped to the file", () => {
    expect(parseRange("bytes=0-4", 26)).toEqual({ start: 0, end: 4 });
    expect(parseRange("bytes=20-", 26)).toEqual({ start: 20, end: 25 });
    expect(parseRange("bytes=-5", 26)).toEqual({ start: 21, end: 25 });
    expect(parseRange("bytes=-100", 26)).toEqual({ start: 0, end: 25 });
    expect(parseRange("bytes=10-1000", 26)).toEqual({ start: 10, end: 25 });
    expect(parseRange(" Bytes = 1 - 2 ", 26)).toEqual({ start: 1, end: 2 });
  });

  test("ranges outside the file are unsatisfiable", () => {
    expect(parseRange("bytes=26-", 26)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 26)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
  });

  test("absent, malformed, reversed, multiple or other units are ignored", () => {
    for (const header of [
      null,
      "bytes=",
      "bytes=-",
      "bytes=5-1",
      "bytes=0-1,3-4",
      "items=0-1",
      "bytes=a-b",
    ]) {
      expect(parseRange(header, 26)).toBeUndefined();
    }
  });
});

describe("validators", () => {
  test("ETags are strong, change with size and time (to the microsecond), and with the coding", () => {
    expect(ETAG).toMatch(/^"1a-[0-9a-f]+"$/);
    expect(fileEtag({ ...FILE, size: 27 })).not.toBe(ETAG);
    expect(fileEtag({ ...FILE, mtimeMs: FILE.mtimeMs + 0.001 })).not.toBe(ETAG);
    expect(encodedEtag(ETAG, "br")).toMatch(/^"1a-[0-9a-f]+-br"$/);
  });

  test("a file modified less than a second ago (or in the future) gets a weak ETag", () => {
    expect(fileEtag(FILE, FILE.mtimeMs + 999)).toStartWith('W/"1a-');
    expect(fileEtag(FILE, FILE.mtimeMs - 5000)).toStartWith('W/"1a-');
    expect(fileEtag(FILE, FILE.mtimeMs + 1000)).toBe(ETAG);
  });

  test("If-None-Match compares weakly, handles lists and *", () => {
    expect(etagListMatches(ETAG, ETAG)).toBe(true);
    expect(etagListMatches(`W/${ETAG}`, ETAG)).toBe(true);
    expect(etagListMatches(ETAG, `W/${ETAG}`)).toBe(true);
    expect(etagListMatches(`"a", ${ETAG}`, ETAG)).toBe(true);
    expect(etagListMatches("*", ETAG)).toBe(true);
    expect(etagListMatches('"other"', ETAG)).toBe(false);
    expect(etagListMatches("*", undefined)).toBe(false);
  });

  test("If-Modified-Since uses whole seconds and is ignored when If-None-Match is present", () => {
    const lastModified = new Date(FILE.mtimeMs).toUTCString();
    expect(isNotModified(headers({ "if-modified-since": lastModified }), ETAG, FILE.mtimeMs)).toBe(true);
    const before = new Date(FILE.mtimeMs - 2000).toUTCString();
    expect(isNotModified(headers({ "if-modified-since": before }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(
      isNotModified(
        headers({ "if-none-match": '"x"', "if-modified-since": lastModified }),
        ETAG,
        FILE.mtimeMs,
      ),
    ).toBe(false);
    expect(isNotModified(headers({ "if-modified-since": "not a date" }), ETAG, FILE.mtimeMs)).toBe(false);
  });

  test("If-Match needs a strong match (never a weak ETag); If-Unmodified-Since compares dates", () => {
    const weak = `W/${ETAG}`;
    expect(preconditionFails(headers({ "if-match": ETAG }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(preconditionFails(headers({ "if-match": `"a", ${ETAG}` }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(preconditionFails(headers({ "if-match": weak }), ETAG, FILE.mtimeMs)).toBe(true);
    expect(preconditionFails(headers({ "if-match": weak }), weak, FILE.mtimeMs)).toBe(true);
    expect(preconditionFails(headers({ "if-match": '"other"' }), ETAG, FILE.mtimeMs)).toBe(true);
    expect(preconditionFails(headers({ "if-match": "*" }), ETAG, FILE.mtimeMs)).toBe(false);
    const after = new Date(FILE.mtimeMs + 5000).toUTCString();
    const before = new Date(FILE.mtimeMs - 5000).toUTCString();
    expect(preconditionFails(headers({ "if-unmodified-since": after }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(preconditionFails(headers({ "if-unmodified-since": before }), ETAG, FILE.mtimeMs)).toBe(true);
    expect(preconditionFails(headers({}), ETAG, FILE.mtimeMs)).toBe(false);
  });

  test("If-Range: the strong ETag or the exact Last-Modified date", () => {
    const lastModified = new Date(FILE.mtimeMs).toUTCString();
    expect(ifRangeAllows(headers({}), ETAG, FILE.mtimeMs)).toBe(true);
    expect(ifRangeAllows(headers({ "if-range": ETAG }), ETAG, FILE.mtimeMs)).toBe(true);
    expect(ifRangeAllows(headers({ "if-range": `W/${ETAG}` }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(ifRangeAllows(headers({ "if-range": `W/${ETAG}` }), `W/${ETAG}`, FILE.mtimeMs)).toBe(false);
    expect(ifRangeAllows(headers({ "if-range": '"other"' }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(ifRangeAllows(headers({ "if-range": lastModified }), ETAG, FILE.mtimeMs)).toBe(true);
    expect(ifRangeAllows(headers({ "if-range": new Date(0).toUTCString() }), ETAG, FILE.mtimeMs)).toBe(false);
    expect(ifRangeAllows(headers({ "if-range": "garbage" }), ETAG, FILE.mtimeMs)).toBe(false);
  });
});
