import { describe, expect, test } from "bun:test";
import { checkOptionKeys } from "@harpia/core/utils";

describe("checkOptionKeys", () => {
  test("gives back an object whose keys are all known", () => {
    const options = { name: "x" };
    expect(checkOptionKeys(options, "poweredBy()", ["name", "header"])).toBe(options);
  });

  test("a misspelt option names the call, the option and the known ones", () => {
    expect(() => checkOptionKeys({ nme: "x" }, "poweredBy()", new Set(["name", "header"]))).toThrow(
      'poweredBy(): unknown option "nme" (expected name, header)',
    );
  });

  test("anything but a plain options object is refused, with the caller's hint", () => {
    for (const bad of [null, undefined, 42, "x", ["name"]])
      expect(() => checkOptionKeys(bad as never, "rateLimit()", ["limit"], ": rateLimit({ limit })")).toThrow(
        "rateLimit() takes an options object: rateLimit({ limit })",
      );
  });
});
