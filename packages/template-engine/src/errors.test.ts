import { afterAll, describe, expect, test } from "bun:test";
import { TemplateDir } from "../test/support/template-dir";
import { codeFrame, TemplateError, TemplateNotFoundError, TemplateSyntaxError } from "./errors";

const dir = new TemplateDir();
afterAll(() => dir.remove());

async function failure(files: Record<string, string>, view = "page", data: Record<string, any> = {}) {
  for (const [file, content] of Object.entries(files)) dir.write(file, content);
  const error = await dir
    .engine()
    .render(view, data)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof Error)) throw new Error("expected the render to fail");
  return error as TemplateError;
}

describe("syntax errors name the file, line and column with a code frame", () => {
  test("a bad expression", async () => {
    const error = await failure({ "views/page.html": "<p>ok</p>\n<p>{{ user. }}</p>\n<p>after</p>\n" });
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.file).toBe(dir.path("views/page.html"));
    expect(error.line).toBe(2);
    expect(error.column).toBe(13);
    expect(error.frame).toBe(
      "  1 | <p>ok</p>\n> 2 | <p>{{ user. }}</p>\n    |             ^\n  3 | <p>after</p>",
    );
    expect(error.message).toContain(`at ${dir.path("views/page.html")}:2:13`);
    expect(error.message).toContain('Expected a property name after "."');
  });

  test.each([
    ["{{ a + }}", "Expected an expression", 1, 8],
    ["x\n{{ a", "Unclosed {{", 2, 1],
    ["@if a\nx\n", "@if is never closed; add @endif", 1, 1],
    ["@if a\n@endfor\n", "Unexpected @endfor: @if is still open (needs @endif)", 2, 1],
    ["@endif", "Unexpected @endif: nothing is open", 1, 1],
    ["@if a\n@else\n@elseif b\n@endif", "@elseif after @else", 3, 1],
    ["@for item of items\n@endfor", 'Expected "in" after the loop variable', 1, 11],
    ["@set x 1 @endset", '@set needs "name = value"', 1, 1],
    ["@set x = 1", "@set without a matching @endset", 1, 1],
    ['@layout("a")\n@layout("b")', "only one @layout", 2, 1],
    ['@if x\n@layout("a")\n@endif', "@layout must be at the top level", 2, 1],
    ['@block("a")@endblock @block("a")@endblock', "is defined twice", 1, 22],
    ["@component(name)", "must be a non-empty string literal", 1, 12],
    ["@component", "needs its arguments in parentheses", 1, 1],
    ['@import("a", {}, 3)', "takes 1 or 2 argument(s), got 3", 1, 1],
    ["{{ 'open }}", "Unterminated string", 1, 4],
    ["{{ a ? b }}", 'Expected ":" of the ternary', 1, 10],
    ["@if a <b>x</b>\n@endif", "write @if(condition) to put content after it on the same line", 1, 12],
  ])("%p fails with %p at %p:%p", async (source, message, line, column) => {
    const error = await failure({ "views/page.html": source });
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.reason).toContain(message);
    expect([error.line, error.column]).toEqual([line, column]);
  });

  test("a blocked property is a compile error at the property", async () => {
    const error = await failure({ "views/page.html": "\n  {{ user.constructor }}" });
    expect([error.line, error.column]).toEqual([2, 11]);
  });
});

describe("runtime errors point at the expression that failed", () => {
  test("a throwing plugin: location, message and cause", async () => {
    dir.write("views/plugin.html", "line 1\n@for x in xs\n  {{ explode(x) }}\n@endfor\n");
    const engine = dir.engine();
    const cause = new Error("kaboom");
    engine.registerPlugin("explode", () => {
      throw cause;
    });
    const error = (await engine.render("plugin", { xs: [1] }).catch((e: unknown) => e)) as TemplateError;
    expect(error).toBeInstanceOf(TemplateError);
    expect([error.file, error.line, error.column]).toEqual([dir.path("views/plugin.html"), 3, 6]);
    expect(error.reason).toBe("kaboom");
    expect(error.cause).toBe(cause);
    expect(error.frame).toContain("> 3 |   {{ explode(x) }}\n    |      ^");
  });

  test("calling an unknown plugin", async () => {
    const error = await failure({ "views/page.html": "a\nb {{ nope(1) }}" });
    expect(error.reason).toBe('"nope" is not a registered plugin nor a function in the data');
    expect([error.line, error.column]).toEqual([2, 6]);
  });

  test("an error inside a component points into the component file", async () => {
    const error = await failure({
      "views/page.html": '@component("broken", { items: 5 })',
      "components/broken.html": "<ul>\n@for i in items\n@endfor\n</ul>",
    });
    expect(error.reason).toBe("Cannot loop over a number");
    expect([error.file, error.line]).toEqual([dir.path("components/broken.html"), 2]);
  });

  test("printing a function is an error that suggests calling it", async () => {
    const error = await failure({ "views/page.html": "{{ fn }}" }, "page", { fn: () => 1 });
    expect(error.reason).toContain("did you mean to call it?");
  });

  test("props of a component must be an object", async () => {
    const error = await failure({ "views/page.html": '@component("x", 3)', "components/x.html": "" });
    expect(error.reason).toBe("Props must be an object, got number");
  });
});

describe("missing layouts, components and imports", () => {
  test.each([
    ['@layout("missing")', "layouts/missing.html", 'Layout "missing" not found'],
    ['@component("missing/card")', "components/missing/card.html", 'Component "missing/card" not found'],
    ['x\n@import("../partials/nav")', "partials/nav.html", 'Import "../partials/nav" not found'],
  ])("%p names the path it looked for and where it was asked", async (source, expected, message) => {
    const error = await failure({ "views/page.html": source });
    expect(error).toBeInstanceOf(TemplateNotFoundError);
    expect((error as TemplateNotFoundError).searched).toEqual([dir.path(expected)]);
    expect(error.reason).toContain(message);
    expect(error.reason).toContain(dir.path(expected));
    expect(error.file).toBe(dir.path("views/page.html"));
    expect(error.line).toBe(source.startsWith("x\n") ? 2 : 1);
  });

  test("a layout or component directory that was not configured is named in the error", async () => {
    dir.write("bare/views/page.html", '@layout("main")');
    const engine = new (await import("./engine")).TemplateEngine({ path: { views: dir.path("bare/views") } });
    const error = (await engine.render("page").catch((e: unknown) => e)) as TemplateError;
    expect(error.reason).toContain("needs path.layouts");
    expect(error.line).toBe(1);
  });
});

describe("cycles", () => {
  test("a layout chain that comes back is detected with the chain in the message", async () => {
    const error = await failure({
      "views/page.html": '@layout("one")',
      "layouts/one.html": '@layout("two")\n@block("x")@endblock',
      "layouts/two.html": '@layout("one")',
    });
    expect(error.message).toContain("Circular template reference");
    expect(error.message).toContain(
      `${dir.path("layouts/one.html")}\n      → @layout ${dir.path("layouts/two.html")}`,
    );
  });

  test("a component that always includes itself is detected before rendering", async () => {
    const error = await failure({
      "views/page.html": '@component("a")',
      "components/a.html": 'a @component("b")',
      "components/b.html": 'b @component("a")',
    });
    expect(error.message).toContain("Circular template reference");
    expect(error.message).toContain("@component");
  });

  test("recursion behind a condition that never stops hits maxDepth with a clear error", async () => {
    dir.write("views/page.html", '@component("loop", { n: 0 })');
    dir.write("components/loop.html", '@if n >= 0\n@component("loop", { n: n + 1 })\n@endif');
    const error = (await dir
      .engine({ maxDepth: 10 })
      .render("page")
      .catch((e: unknown) => e)) as TemplateError;
    expect(error.reason).toContain("Templates nested more than 10 deep");
    expect(error.reason).toContain(dir.path("components/loop.html"));
  });
});

test("codeFrame marks the line and column", () => {
  expect(codeFrame("a\n\tbc\nd", 2, 3)).toBe("  1 | a\n> 2 | \tbc\n    | \t ^\n  3 | d");
});
