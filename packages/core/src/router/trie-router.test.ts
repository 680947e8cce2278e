import { describe, expect, test } from "bun:test";
import { expandOptional, parsePattern } from "./pattern";
import { TrieRouter } from "./trie-router";

function router(...routes: [string, string][]) {
  const r = new TrieRouter<string>();
  for (const [method, pattern] of routes) {
    for (const variant of expandOptional(parsePattern(pattern)))
      r.add(method, variant, `${method} ${pattern}`);
  }
  return r;
}

function params(r: TrieRouter<string>, method: string, path: string) {
  const m = r.match(method, path);
  if (!m) return null;
  return { route: m.value, params: Object.fromEntries(m.names.map((n, i) => [n, m.values[i]])) };
}

describe("TrieRouter", () => {
  test("static beats param beats wildcard, whatever the registration order", () => {
    const r = router(["GET", "/files/*"], ["GET", "/files/:name"], ["GET", "/files/readme"]);
    expect(params(r, "GET", "/files/readme")?.route).toBe("GET /files/readme");
    expect(params(r, "GET", "/files/other")).toEqual({
      route: "GET /files/:name",
      params: { name: "other" },
    });
    expect(params(r, "GET", "/files/a/b/c")).toEqual({ route: "GET /files/*", params: { "*": "a/b/c" } });
  });

  test("backtracks from a static branch that has no route for the method", () => {
    const r = router(["POST", "/users/new"], ["GET", "/users/:id"]);
    expect(params(r, "GET", "/users/new")).toEqual({ route: "GET /users/:id", params: { id: "new" } });
    expect(params(r, "POST", "/users/new")?.route).toBe("POST /users/new");
  });

  test("backtracks from a param branch whose deeper segments do not match", () => {
    const r = router(["GET", "/:a/x"], ["GET", "/b/:c/y"]);
    expect(params(r, "GET", "/b/q/y")).toEqual({ route: "GET /b/:c/y", params: { c: "q" } });
    expect(params(r, "GET", "/b/x")).toEqual({ route: "GET /:a/x", params: { a: "b" } });
  });

  test("constrained params only match their alternatives and are tried before free params", () => {
    const r = router(["GET", "/pets/:kind(dog|cat)"], ["GET", "/pets/:name"]);
    expect(params(r, "GET", "/pets/dog")).toEqual({
      route: "GET /pets/:kind(dog|cat)",
      params: { kind: "dog" },
    });
    expect(params(r, "GET", "/pets/cow")).toEqual({ route: "GET /pets/:name", params: { name: "cow" } });
  });

  test("unnamed constraint segments become positional params", () => {
    const r = router(["GET", "/pets/(dog|cat)"]);
    expect(params(r, "GET", "/pets/cat")).toEqual({ route: "GET /pets/(dog|cat)", params: { "0": "cat" } });
    expect(r.match("GET", "/pets/cow")).toBeNull();
  });

  test("regex constraints are anchored", () => {
    const r = router(["GET", "/n/:id(\\d+)"]);
    expect(params(r, "GET", "/n/42")?.params).toEqual({ id: "42" });
    expect(r.match("GET", "/n/42a")).toBeNull();
  });

  test("optional params register both shapes", () => {
    const r = router(["GET", "/books/:id?"]);
    expect(params(r, "GET", "/books")).toEqual({ route: "GET /books/:id?", params: {} });
    expect(params(r, "GET", "/books/3")).toEqual({ route: "GET /books/:id?", params: { id: "3" } });
  });

  test("wildcard matches the empty rest and deep paths", () => {
    const r = router(["GET", "/assets/*"]);
    expect(params(r, "GET", "/assets")?.params).toEqual({ "*": "" });
    expect(params(r, "GET", "/assets/css/site.css")?.params).toEqual({ "*": "css/site.css" });
  });

  test("HEAD falls back to GET and ALL matches any method", () => {
    const r = router(["GET", "/a"], ["ALL", "/b"]);
    expect(r.match("HEAD", "/a")?.value).toBe("GET /a");
    expect(r.match("PATCH", "/b")?.value).toBe("ALL /b");
    expect(r.match("POST", "/a")).toBeNull();
  });

  test("a param never matches an empty segment", () => {
    const r = router(["GET", "/u/:id/x"]);
    expect(r.match("GET", "/u//x")).toBeNull();
  });

  test("allowed lists methods of every pattern matching the path", () => {
    const r = router(["GET", "/users/:id"], ["DELETE", "/users/:id"], ["POST", "/users/new"]);
    expect(r.allowed("/users/new").sort()).toEqual(["DELETE", "GET", "HEAD", "POST"]);
    expect(r.allowed("/nothing")).toEqual([]);
  });

  test("duplicate method + pattern is rejected with the route named", () => {
    expect(() => router(["GET", "/a/:id"], ["GET", "/a/:other"])).toThrow(
      "Route GET /a/:other is already registered",
    );
  });

  test("the root path", () => {
    const r = router(["GET", "/"]);
    expect(r.match("GET", "/")?.value).toBe("GET /");
  });

  test("matching cost does not depend on how many routes exist: 1,000 routes, each found", () => {
    const r = new TrieRouter<number>();
    for (let i = 0; i < 1000; i++) r.add("GET", parsePattern(`/r${i}/items/:id`), i);
    for (let i = 0; i < 1000; i += 97) expect(r.match("GET", `/r${i}/items/7`)?.value).toBe(i);
    expect(r.match("GET", "/r1000/items/7")).toBeNull();
  });
});

describe("parsePattern", () => {
  test("rejects wildcards that are not the last whole segment", () => {
    expect(() => parsePattern("/a/*/b")).toThrow("only allowed as the last segment");
    expect(() => parsePattern("/a/b*")).toThrow('"*" must be a whole segment');
  });
  test("rejects invalid constraints and repeated names", () => {
    expect(() => parsePattern("/a/:id([)")).toThrow("invalid constraint");
    expect(() => parsePattern("/a/:id/:id")).toThrow('parameter ":id" appears twice');
  });
  test("normalises slashes", () => {
    expect(parsePattern("books/")).toEqual([{ kind: "static", value: "books" }]);
  });
});
