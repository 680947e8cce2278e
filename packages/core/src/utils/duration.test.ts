import { describe, expect, test } from "bun:test";
import { parseDuration } from "./index";

describe("parseDuration", () => {
  test.each([
    [250, 250],
    ["500ms", 500],
    ["30s", 30_000],
    ["1.5s", 1500],
    ["2m", 120_000],
    ["1 hour", 3_600_000],
    [" 10S ", 10_000],
    ["1.2345s", 1234],
  ])("%p is %p ms", (value, expected) => {
    expect(parseDuration(value as never, "timeout")).toBe(expected);
  });

  test.each(
    [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "30", "", "soon", "0s", "0.1ms", "25d", [], null].map(
      (value) => [value],
    ),
  )("%p is refused with a TypeError naming the option", (value) => {
    expect(() => parseDuration(value as never, "harpia({ timeout })")).toThrow(TypeError);
    expect(() => parseDuration(value as never, "harpia({ timeout })")).toThrow(
      "harpia({ timeout }): expected",
    );
  });
});
