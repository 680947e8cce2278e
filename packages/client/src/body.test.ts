import { describe, expect, test } from "bun:test";
import { bodyKindFor, encodeBody, toFormData, toSearchParams } from "./body";

describe("the kind a body is sent as", () => {
  test("JSON unless the route leaves it out", () => {
    expect(bodyKindFor({ a: 1 }, undefined)).toBe("json");
    expect(bodyKindFor({ a: 1 }, ["json", "form"])).toBe("json");
    expect(bodyKindFor({ a: 1 }, ["form"])).toBe("form");
    expect(bodyKindFor({ a: 1 }, ["multipart"])).toBe("multipart");
    expect(bodyKindFor("hi", ["text"])).toBe("text");
  });

  test("form or multipart: multipart when the object holds a file", () => {
    const file = new File(["x"], "x.txt");
    expect(bodyKindFor({ a: 1 }, ["form", "multipart"])).toBe("form");
    expect(bodyKindFor({ a: { file } }, ["form", "multipart"])).toBe("multipart");
    expect(bodyKindFor("hi", ["form", "text"])).toBe("text");
    expect(bodyKindFor({ a: 1 }, ["form", "text"])).toBe("form");
  });

  test("a value the route's kinds cannot carry is a TypeError", () => {
    expect(() => bodyKindFor([1, 2], ["form"])).toThrow(
      "The route takes form bodies, which an array cannot be sent as",
    );
    expect(() => bodyKindFor("hi", ["multipart"])).toThrow(TypeError);
  });
});

describe("toSearchParams", () => {
  test("nested objects and arrays use core's bracket keys; values are stringified", () => {
    const params = toSearchParams({
      name: "Ada",
      age: 36,
      admin: false,
      born: new Date("1815-12-10T00:00:00Z"),
      user: { address: { city: "London" } },
      tags: ["a", "b"],
      items: [{ sku: "x", qty: 1 }, { sku: "y" }],
      grid: [[1, 2], [3]],
      skipped: undefined,
      nothing: null,
    });
    expect([...params]).toEqual([
      ["name", "Ada"],
      ["age", "36"],
      ["admin", "false"],
      ["born", "1815-12-10T00:00:00.000Z"],
      ["user[address][city]", "London"],
      ["tags[]", "a"],
      ["tags[]", "b"],
      ["items[0][sku]", "x"],
      ["items[0][qty]", "1"],
      ["items[1][sku]", "y"],
      ["grid[0][]", "1"],
      ["grid[0][]", "2"],
      ["grid[1][]", "3"],
    ]);
  });

  test("a file or a cycle is a TypeError", () => {
    expect(() => toSearchParams({ avatar: new Blob(["x"]) })).toThrow(
      'The form field "avatar" holds a file: files need a multipart/form-data route',
    );
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    expect(() => toSearchParams(loop)).toThrow('The body holds a cycle at "self[back]"');
  });
});

describe("toFormData", () => {
  test("files are appended as files under their key, an array of files repeats it", async () => {
    const one = new File(["1"], "one.txt", { type: "text/plain" });
    const two = new File(["2"], "two.txt", { type: "text/plain" });
    const form = toFormData({ caption: "hi", meta: { size: 2 }, file: one, photos: [one, two] });
    expect(form.get("caption")).toBe("hi");
    expect(form.get("meta[size]")).toBe("2");
    const file = form.get("file") as File;
    expect(file.name).toBe("one.txt");
    expect(await file.text()).toBe("1");
    expect(form.getAll("photos").map((f) => (f as File).name)).toEqual(["one.txt", "two.txt"]);
  });
});

describe("encodeBody", () => {
  test("raw bodies go as they are, whatever the route takes", () => {
    const form = new FormData();
    expect(encodeBody(form, ["form"]).body).toBe(form);
    expect(encodeBody(new Uint8Array(2), ["multipart"]).contentType).toBeUndefined();
  });

  test("text routes get strings as they are, objects as JSON text", async () => {
    expect(encodeBody("hello", ["text"])).toEqual({ body: "hello", contentType: "text/plain;charset=utf-8" });
    expect(encodeBody({ a: 1 }, ["text"]).body).toBe('{"a":1}');
    expect(encodeBody(42, ["text"]).body).toBe("42");
    expect(encodeBody("hello", undefined)).toEqual({ body: '"hello"', contentType: "application/json" });
  });
});
