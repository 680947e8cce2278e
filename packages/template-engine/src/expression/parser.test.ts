import { describe, expect, test } from "bun:test";
import type { Expression } from "./ast";
import { ExpressionError } from "./lexer";
import { parseArgumentList, parseExpression } from "./parser";

const parse = (source: string) => parseExpression(source, 0, source.length);

/** A compact, fully parenthesised rendering of the tree, to check its shape. */
function shape(node: Expression): string {
  switch (node.type) {
    case "Literal":
      return JSON.stringify(node.value) ?? "undefined";
    case "Identifier":
      return node.name;
    case "Member":
      return node.name !== undefined
        ? `${shape(node.object)}.${node.name}`
        : `${shape(node.object)}[${shape(node.key!)}]`;
    case "Call":
      return `${shape(node.callee)}(${node.args.map((a) => (a.type === "Spread" ? `...${shape(a.argument)}` : shape(a))).join(", ")})`;
    case "Unary":
      return `(${node.operator}${shape(node.argument)})`;
    case "Binary":
      return `(${shape(node.left)} ${node.operator} ${shape(node.right)})`;
    case "Conditional":
      return `(${shape(node.test)} ? ${shape(node.consequent)} : ${shape(node.alternate)})`;
    case "Array":
      return `[${node.elements.map((e) => (e.type === "Spread" ? `...${shape(e.argument)}` : shape(e))).join(", ")}]`;
    case "Object":
      return `{${node.properties
        .map((p) =>
          p.kind === "spread"
            ? `...${shape(p.argument)}`
            : p.kind === "computed"
              ? `[${shape(p.key)}]: ${shape(p.value)}`
              : `${p.name}: ${shape(p.value)}`,
        )
        .join(", ")}}`;
  }
}

describe("expression parser", () => {
  test.each([
    ["a + b * c", "(a + (b * c))"],
    ["a - b - c", "((a - b) - c)"],
    ["!a && b || c", "(((!a) && b) || c)"],
    ["a ?? b", "(a ?? b)"],
    ["a == b != c", "((a == b) != c)"],
    ["a < b === c >= d", "((a < b) === (c >= d))"],
    ["-a.b[c](d)", "(-a.b[c](d))"],
    ["a ? b : c ? d : e", "(a ? b : (c ? d : e))"],
    ["a?.b?.[c]", "a.b[c]"],
    ["fn(...xs, 1)", "fn(...xs, 1)"],
    ["[1, 'two', true, null, undefined]", '[1, "two", true, null, undefined]'],
    ['{ a: 1, "b c": 2, [k]: 3, short, ...rest }', "{a: 1, b c: 2, [k]: 3, short: short, ...rest}"],
    ["(a + b) * c", "((a + b) * c)"],
    [".5 + 1e3", "(0.5 + 1000)"],
  ])("%p parses as %p", (source, expected) => {
    expect(shape(parse(source))).toBe(expected);
  });

  test("offsets point into the whole source", () => {
    const source = "xx {{ user.name }}";
    const node = parseExpression(source, 5, 16);
    expect(node.type).toBe("Member");
    expect(node.start).toBe(11);
  });

  test("argument lists may be empty", () => {
    expect(parseArgumentList("", 0, 0)).toEqual([]);
    expect(parseArgumentList('"a", { b: 1 }', 0, 13).length).toBe(2);
  });

  test.each([
    ["a +", "Expected an expression", 3],
    ["a b", 'Unexpected "b"', 2],
    ["a = 1", "Assignment is not allowed", 2],
    ["'x", "Unterminated string", 0],
    ["a.1", 'Expected a property name after "."; use [1] for an index', 2],
    ["1a", 'Invalid number "1a"', 0],
    ["#", 'Unexpected character "#"', 0],
    ["{ a: 1 b: 2 }", 'Expected "," or "}"', 7],
  ])("%p fails with %p at offset %p", (source, message, offset) => {
    let error: unknown;
    try {
      parse(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toContain(message);
    expect((error as ExpressionError).offset).toBe(offset);
  });
});
