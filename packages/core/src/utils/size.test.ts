import { describe, expect, test } from "bun:test";
import { parseSize } from "./index";

describe("parseSize", () => {
  test.each([
    [1, 1],
    [1024, 1024],
    ["512", 512],
    ["512b", 512],
    ["100kb", 102400],
    ["100 KB", 102400],
    ["1mb", 1048576],
    ["1.5mb", 1572864],
    ["1.5MiB", 1572864],
    ["2kib", 2048],
    ["1gb", 1073741824],
    ["1tb", 1024 ** 4],
  ])("%p is %p bytes", (value, bytes) => {
    expect(parseSize(value, "limit")).toBe(bytes);
  });

  test.each([
    [Number.NaN, "NaN"],
    [Number(undefined), "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [1.3, "1.3"],
    [-1, "-1"],
    [0, "0"],
    [2 ** 53, String(2 ** 53)],
    ["", '""'],
    ["-1kb", '"-1kb"'],
    ["0kb", '"0kb"'],
    ["0.1b", '"0.1b"'],
    ["1e3", '"1e3"'],
    ["10 parsecs", '"10 parsecs"'],
    ["constructor", '"constructor"'],
  ])("%p is refused with a TypeError naming the option and the value", (value, shown) => {
    expect(() => parseSize(value, "harpia({ bodyLimit })")).toThrow(TypeError);
    expect(() => parseSize(value, "harpia({ bodyLimit })")).toThrow(
      `harpia({ bodyLimit }): expected a positive whole number of bytes or a size such as "100kb" or "1.5mb", got ${shown}`,
    );
  });

  test("values of other types are refused", () => {
    for (const value of [[], {}, null, undefined, true, () => 1, 10n]) {
      expect(() => parseSize(value as never, "x")).toThrow(TypeError);
    }
    expect(() => parseSize([] as never, "x")).toThrow("got an array");
  });
});
