import { describe, expect, test } from "bun:test";
import { type NativeCandidate, nativeTable } from "./native";
import { expandOptional, parsePattern } from "./pattern";

function candidates(...routes: [string, string][]): NativeCandidate<string>[] {
  return routes.flatMap(([method, pattern]) =>
    expandOptional(parsePattern(pattern)).map((segments) => ({
      method,
      segments,
      value: `${method} ${pattern}`,
    })),
  );
}

const table = (list: NativeCandidate<string>[], ws: string[] = []) => {
  const out = nativeTable(
    list,
    ws.map((p) => parsePattern(p)),
  );
  return Object.fromEntries([...out].map(([pattern, methods]) => [pattern, Object.fromEntries(methods)]));
};

describe("nativeTable", () => {
  test("plain static and :param routes go to Bun, grouped by pattern", () => {
    expect(
      table(candidates(["GET", "/"], ["GET", "/users/:id"], ["DELETE", "/users/:id"], ["POST", "/users"])),
    ).toEqual({
      "/": { GET: "GET /" },
      "/users/:id": { GET: "GET /users/:id", DELETE: "DELETE /users/:id" },
      "/users": { POST: "POST /users" },
    });
  });

  test("optional params give both shapes", () => {
    expect(Object.keys(table(candidates(["GET", "/books/:id?"])))).toEqual(["/books", "/books/:id"]);
  });

  test("what Bun cannot express stays in JS: constraints, wildcards, ALL, other methods, encoded literals", () => {
    expect(
      table(
        candidates(
          ["GET", "/n/:id(\\d+)"],
          ["GET", "/files/*"],
          ["ALL", "/any"],
          ["PROPFIND", "/dav"],
          ["GET", "/café"],
        ),
      ),
    ).toEqual({});
  });

  test("a pattern a JS-only route could also match stays in JS, so precedence never changes", () => {
    const list = candidates(
      ["GET", "/pets/:kind(dog|cat)"],
      ["GET", "/pets/:name"],
      ["GET", "/pets/new/info"],
      ["GET", "/other"],
    );
    expect(Object.keys(table(list))).toEqual(["/pets/new/info", "/other"]);
    // A constraint that cannot match the literal does not overlap it.
    expect(Object.keys(table(candidates(["GET", "/n/:id(\\d+)"], ["GET", "/n/new"])))).toEqual(["/n/new"]);
    // A wildcard shadows everything below it.
    expect(table(candidates(["GET", "/assets/*"], ["GET", "/assets/logo.png"]))).toEqual({});
  });

  test("WebSocket paths stay in JS (an upgrade must reach the pipeline)", () => {
    expect(
      Object.keys(table(candidates(["GET", "/chat/:room"], ["GET", "/about"]), ["/chat/:room"])),
    ).toEqual(["/about"]);
  });

  test("the same shape under different param names stays in JS (Bun cannot hold both)", () => {
    expect(table(candidates(["GET", "/users/:id"], ["DELETE", "/users/:userId"]))).toEqual({});
  });
});
