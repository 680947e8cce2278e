import { describe, expect, test } from "bun:test";
import { packageNameProblems } from "../src/name";

describe("packageNameProblems (npm's rules for new package names)", () => {
  test.each(["my-app", "app", "a.b_c-d", "harpia2", "@acme/site"])("%s is valid", (name) => {
    expect(packageNameProblems(name)).toEqual([]);
  });

  test("214 characters is the longest", () => {
    expect(packageNameProblems("x".repeat(214))).toEqual([]);
    expect(packageNameProblems("x".repeat(215))).toEqual(["it is longer than 214 characters"]);
  });

  test.each([
    ["", "it is empty"],
    ["My-App", "uppercase"],
    ["my app", "spaces"],
    [" my-app", "starts or ends with spaces"],
    [".hidden", 'starts with "."'],
    ["_private", 'starts with "."'],
    ["wow!", "~'!()*"],
    ["(app)", "~'!()*"],
    ["node_modules", "reserved"],
    ["favicon.ico", "reserved"],
    ["http", "Node built-in module"],
    ["fs", "Node built-in module"],
    ["app?x=1", "URL-safe"],
    ["café", "URL-safe"],
    ["a/b", "URL-safe"],
    ["@acme/.x", "after the scope"],
  ])("%p is refused: %s", (name, reason) => {
    const problems = packageNameProblems(name);
    expect(problems.join("; ")).toContain(reason);
  });
});
