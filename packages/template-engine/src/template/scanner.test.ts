import { describe, expect, test } from "bun:test";
import { parseTemplate } from "./parser";
import { scanTemplate } from "./scanner";

const kinds = (source: string) =>
  scanTemplate(source, "t.html").map((token) =>
    token.type === "text"
      ? `text:${JSON.stringify(token.value)}`
      : token.type === "output"
        ? `output:${source.slice(token.exprStart, token.exprEnd).trim()}`
        : `@${token.name}:${source.slice(token.argStart, token.argEnd).trim()}`,
  );

describe("scanner", () => {
  test("splits text, output tags and directives", () => {
    expect(kinds('<h1>{{ title }}</h1>\n@if a > 1\n  <p>{{ fn({ x: "}}" }) }}</p>\n@endif\n')).toEqual([
      'text:"<h1>"',
      "output:title",
      'text:"</h1>\\n"',
      "@if:a > 1",
      'text:"  <p>"',
      'output:fn({ x: "}}" })',
      'text:"</p>\\n"',
      "@endif:",
    ]);
  });

  test("@set runs to @endset, across lines and past an @endset inside a string", () => {
    expect(kinds('@set s = "@endset" +\n  "!" @endset{{ s }}')).toEqual([
      '@set:s = "@endset" +\n  "!"',
      "output:s",
    ]);
  });

  test("comment lines vanish whole", () => {
    expect(kinds("a\n## note {{ x }}\n   ## indented\nb ## not a comment\n")).toEqual([
      'text:"a\\nb ## not a comment\\n"',
    ]);
  });
});

describe("template parser", () => {
  test("builds a nested tree and records @layout and @set names", () => {
    const ast = parseTemplate(
      '@layout("main", { title: "T" })\n@set x = 1 @endset\n@block("body")\n@for [k, v] in obj\n@if v\n{{ k }}\n@endif\n@endfor\n@endblock\n',
      "t.html",
    );
    expect(ast.layout?.name).toBe("main");
    expect([...ast.assigned]).toEqual(["x"]);
    const block = ast.body.find((node) => node.type === "Block");
    expect(block?.type).toBe("Block");
    const loop = block?.type === "Block" ? block.body[0] : undefined;
    expect(loop).toMatchObject({ type: "For", key: "k", value: "v" });
    expect(loop?.type === "For" ? loop.body[0]?.type : undefined).toBe("If");
  });
});
