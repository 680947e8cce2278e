import { describe, expect, test } from "bun:test";
import { appendQuery, fillPath } from "./url";

describe("fillPath", () => {
  test("encodes each value", () => {
    expect(fillPath("/books/:id", { id: "a/b c" })).toBe("/books/a%2Fb%20c");
    expect(fillPath("/a/:x/b/:y", { x: 1, y: "é" })).toBe("/a/1/b/%C3%A9");
  });
  test("optional parameters drop their segment; wildcards keep slashes", () => {
    expect(fillPath("/books/:id?", {})).toBe("/books");
    expect(fillPath("/books/:id?", { id: "7" })).toBe("/books/7");
    expect(fillPath("/files/*", { "*": "a b/c.txt" })).toBe("/files/a%20b/c.txt");
    expect(fillPath("/:lang?", {})).toBe("/");
  });
  test("constraints in a key are ignored; a missing value is a TypeError", () => {
    expect(fillPath("/books/:id(\\d+)", { id: 3 })).toBe("/books/3");
    expect(() => fillPath("/books/:id", {})).toThrow(TypeError);
  });
  test("inherited properties are not parameters", () => {
    expect(() => fillPath("/x/:constructor", {})).toThrow('Missing path parameter "constructor"');
  });
});

describe("appendQuery", () => {
  test("serializes primitives, dates and arrays", () => {
    const url = new URL("http://x/");
    appendQuery(url, { a: 1, b: true, c: ["x", null, "y"], d: new Date(0), e: undefined, f: null });
    expect(url.search).toBe("?a=1&b=true&c=x&c=y&d=1970-01-01T00%3A00%3A00.000Z");
  });
});
