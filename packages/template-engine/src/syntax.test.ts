import { afterAll, describe, expect, test } from "bun:test";
import { renderSource, TemplateDir } from "../test/support/template-dir";

const dir = new TemplateDir();
afterAll(() => dir.remove());

const render = (source: string, data: Record<string, any> = {}) =>
  renderSource(dir, source, data, (engine) => {
    engine.registerPlugin("uppercase", (text: string) => text.toUpperCase());
    engine.registerPlugin("sum", (a: number, b: number) => a + b);
  });

describe("the seed's syntax table, row by row", () => {
  test("Variable / Output: {{ expr }}", async () => {
    expect(await render("<h1>{{ title }}</h1>", { title: "Books" })).toBe("<h1>Books</h1>");
  });

  test("Plugin / Function: {{ fn(arg1, arg2) }}", async () => {
    expect(await render("<p>{{ uppercase(username) }}</p>", { username: "lucas" })).toBe("<p>LUCAS</p>");
    expect(await render("<p>{{ sum(10, 20) }}</p>")).toBe("<p>30</p>");
  });

  test("Local Assignment: @set var = value @endset", async () => {
    expect(await render('@set name = "Lucas" @endset\n<p>{{ name }}</p>')).toBe("<p>Lucas</p>");
  });

  test("Conditional: @if / @elseif / @else / @endif", async () => {
    const source =
      "@if isAdmin\n  <p>Admin</p>\n@elseif isEditor\n  <p>Editor</p>\n@else\n  <p>User</p>\n@endif\n";
    expect(await render(source, { isAdmin: true })).toBe("  <p>Admin</p>\n");
    expect(await render(source, { isEditor: true })).toBe("  <p>Editor</p>\n");
    expect(await render(source, {})).toBe("  <p>User</p>\n");
  });

  test("Array Loop: @for item in items", async () => {
    const source = "<ul>\n@for item in items\n  <li>{{ item }}</li>\n@endfor\n</ul>";
    expect(await render(source, { items: ["a", "b"] })).toBe("<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>");
  });

  test("Object Loop: @for [key, value] in obj", async () => {
    const source = "@for [k, v] in obj\n<li>{{ k }}: {{ v }}</li>\n@endfor\n";
    expect(await render(source, { obj: { a: 1, b: 2 } })).toBe("<li>a: 1</li>\n<li>b: 2</li>\n");
  });

  test("Layout / Inheritance, Block Placeholder and Content Block", async () => {
    dir.write("layouts/default.html", '<title>{{ title }}</title>\n<body>\n@yield("content")\n</body>\n');
    const view =
      '@layout("default", { title: "Homepage" })\n@block("content")\n  <h1>Hello</h1>\n@endblock\n';
    expect(await render(view)).toBe("<title>Homepage</title>\n<body>\n  <h1>Hello</h1>\n</body>\n");
  });

  test("Import/Include: @import relative to the current view, with props", async () => {
    dir.write("views/partials/button.html", "<button>{{ text }}</button>");
    expect(await render('@import("partials/button", { text: "Save" })')).toBe("<button>Save</button>");
  });

  test("Partial/Component: @component from the components directory", async () => {
    dir.write("components/header.html", "<header>{{ user.name }}</header>");
    expect(
      await render('@component("header", { user: currentUser })', { currentUser: { name: "Ada" } }),
    ).toBe("<header>Ada</header>");
  });

  test("Comment: ## lines are not rendered", async () => {
    expect(await render("## This is a comment\n<p>kept</p>\n  ## indented comment\n")).toBe("<p>kept</p>\n");
  });
});

describe("expressions", () => {
  const data = { user: { name: "Ada", tags: ["x", "y"], age: 36 }, key: "name", n: 7, empty: "" };

  test("member access, indexing and literals", async () => {
    expect(await render("{{ user.name }} {{ user['name'] }} {{ user[key] }} {{ user.tags[1] }}", data)).toBe(
      "Ada Ada Ada y",
    );
    expect(
      await render(
        "{{ [1, 2, 3].length }} {{ { a: { b: 'deep' } }.a.b }} {{ 1.5e1 }} {{ null }}{{ undefined }}",
      ),
    ).toBe("3 deep 15 ");
  });

  test("comparison, logical, arithmetic, ternary, negation and parentheses", async () => {
    const source =
      "{{ n > 5 && n <= 7 }} {{ n === 7 ? 'seven' : 'other' }} {{ (n + 3) * 2 - 1 }} {{ n % 4 }} {{ !empty }} {{ empty || 'fallback' }} {{ missing ?? 'none' }} {{ -n }} {{ n != 7 }}";
    expect(await render(source, data)).toBe("true seven 19 3 true fallback none -7 false");
  });

  test("precedence and associativity follow JavaScript", async () => {
    expect(
      await render("{{ 1 - 2 - 3 }} {{ 2 + 3 * 4 }} {{ 12 / 2 / 3 }} {{ -2 * 3 }} {{ !a && b }}", { b: "b" }),
    ).toBe("-4 14 2 -6 b");
    expect(
      await render("{{ a ? 'x' : b ? 'y' : 'z' }} {{ a ?? (b || 'c') }} {{ 1 < 2 === true }}", { b: "" }),
    ).toBe("z c true");
  });

  test("missing values render empty instead of throwing", async () => {
    expect(await render("[{{ nobody.name.first }}][{{ list[3] }}]", { list: [] })).toBe("[][]");
  });

  test("string escapes in literals", async () => {
    expect(await render(String.raw`{{ "a\"b\n" + 'c\'d' + "\u0041" }}`)).toBe("a&quot;b\nc&#x27;dA");
  });

  test("methods of data values and spread in literals", async () => {
    expect(
      await render("{{ name.toUpperCase() }} {{ tags.join('-') }} {{ sum(...pair) }}", {
        name: "ada",
        tags: ["a", "b"],
        pair: [1, 2],
      }),
    ).toBe("ADA a-b 3");
  });

  test("functions passed in the data can be called", async () => {
    expect(await render("{{ greet('Ada') }}", { greet: (name: string) => `Hi ${name}` })).toBe("Hi Ada");
  });

  test("plugins take precedence over data of the same name", async () => {
    expect(await render("{{ uppercase('x') }}", { uppercase: () => "data" })).toBe("X");
  });
});

describe("control flow", () => {
  test("nesting to any depth", async () => {
    const source = [
      "@for group in groups",
      "@if group.items.length > 0",
      "<h2>{{ group.name }}</h2>",
      "@for item in group.items",
      "@if item.on",
      "@for [k, v] in item.attrs",
      "{{ group.name }}.{{ item.id }}.{{ k }}={{ v }}",
      "@endfor",
      "@endif",
      "@endfor",
      "@else",
      "<p>{{ group.name }} is empty</p>",
      "@endif",
      "@endfor",
      "",
    ].join("\n");
    const groups = [
      {
        name: "g1",
        items: [
          { id: 1, on: true, attrs: { a: 1, b: 2 } },
          { id: 2, on: false, attrs: { c: 3 } },
        ],
      },
      { name: "g2", items: [] },
    ];
    expect(await render(source, { groups })).toBe("<h2>g1</h2>\ng1.1.a=1\ng1.1.b=2\n<p>g2 is empty</p>\n");
  });

  test("@else of @for renders for empty or missing lists", async () => {
    const source = "@for x in xs\n{{ x }}\n@else\nnone\n@endfor\n";
    expect(await render(source, { xs: [] })).toBe("none\n");
    expect(await render(source, {})).toBe("none\n");
    expect(await render(source, { xs: [1] })).toBe("1\n");
  });

  test("loop metadata: index, number, first, last, length", async () => {
    const source =
      "@for x in xs\n{{ loop.index }}/{{ loop.number }}/{{ loop.length }}{{ loop.first ? ' first' : '' }}{{ loop.last ? ' last' : '' }}\n@endfor\n";
    expect(await render(source, { xs: ["a", "b", "c"] })).toBe("0/1/3 first\n1/2/3\n2/3/3 last\n");
  });

  test("[index, value] over arrays, Maps and Sets; values of iterables", async () => {
    const source = "@for [k, v] in list\n{{ k }}={{ v }}\n@endfor\n@for v in set\n{{ v }}\n@endfor\n";
    expect(await render(source, { list: ["a", "b"], set: new Set([1, 2]) })).toBe("0=a\n1=b\n1\n2\n");
    expect(await render("@for [k, v] in m\n{{ k }}={{ v }}\n@endfor\n", { m: new Map([["x", 1]]) })).toBe(
      "x=1\n",
    );
  });

  test("@set is visible after it, can use expressions and reassigns loop variables", async () => {
    const source =
      "{{ total }}\n@set total = 0 @endset\n@for n in nums\n@set total = total + n @endset\n@endfor\n{{ total }}";
    expect(await render(source, { total: "before", nums: [1, 2, 3] })).toBe("before\n6");
  });

  test("multi-line @set values", async () => {
    expect(
      await render(
        '@set user = {\n  name: "Ada",\n  role: "admin"\n} @endset\n{{ user.name }}/{{ user.role }}',
      ),
    ).toBe("Ada/admin");
  });

  test("inline forms: @if(cond) ... @endif on one line", async () => {
    const source = '<li class="item @if(active)active@endif">{{ label }}</li>';
    expect(await render(source, { active: true, label: "A" })).toBe('<li class="item active">A</li>');
    expect(await render(source, { active: false, label: "B" })).toBe('<li class="item ">B</li>');
    expect(await render("@for(x in xs){{ x }},@endfor", { xs: [1, 2] })).toBe("1,2,");
  });

  test("escapes: \\{{ prints braces, @@if prints @if; an e-mail is plain text", async () => {
    expect(await render("\\{{ name }} @@if ada@if.com me@set.io")).toBe(
      "{{ name }} @if ada@if.com me@set.io",
    );
  });

  test("a directive alone on its line leaves no blank line", async () => {
    const source = "<ul>\n  @for x in xs\n    <li>{{ x }}</li>\n  @endfor\n</ul>\n";
    expect(await render(source, { xs: [1, 2] })).toBe("<ul>\n    <li>1</li>\n    <li>2</li>\n</ul>\n");
  });

  test("CSS at-rules in inline styles are text, @import included", async () => {
    const css =
      '<style>\n@import url("theme.css");\n@import "print.css" print;\n@media (min-width: 40em) { a { color: red } }\n</style>';
    expect(await render(css)).toBe(css);
  });

  test("Windows line endings are trimmed the same way", async () => {
    expect(await render("@if a\r\n  X\r\n@endif\r\nY", { a: true })).toBe("  X\r\nY");
  });

  test("text without any syntax is copied verbatim", async () => {
    const source = "<style>a { color: red }</style>\n<a href='#top'># not a comment</a> {single} } {{ 'x' }}";
    expect(await render(source)).toBe(
      "<style>a { color: red }</style>\n<a href='#top'># not a comment</a> {single} } x",
    );
  });
});

describe("layouts, blocks, imports and components", () => {
  test("layout params, page data and @set locals are all visible in the layout", async () => {
    dir.write("layouts/meta.html", '{{ title }}|{{ user.name }}|{{ section }}|@yield("body")');
    const view = '@layout("meta", { title: "T" })\n@set section = "docs" @endset\n@block("body")B@endblock\n';
    expect(await render(view, { user: { name: "Ada" }, title: "data title" })).toBe("T|Ada|docs|B");
  });

  test("@yield with a fallback, and default content of a @block in a layout", async () => {
    dir.write(
      "layouts/fallbacks.html",
      '<title>@yield("title", "Untitled")</title>@block("footer")<footer>default</footer>@endblock',
    );
    expect(await render('@layout("fallbacks")\n')).toBe("<title>Untitled</title><footer>default</footer>");
    expect(
      await render('@layout("fallbacks")\n@block("title")Mine@endblock\n@block("footer")<f/>@endblock\n'),
    ).toBe("<title>Mine</title><f/>");
  });

  test("layouts extend layouts; the innermost block wins and blocks pass through", async () => {
    dir.write("layouts/base.html", '<html>@yield("body")|@yield("scripts")</html>');
    dir.write(
      "layouts/two-column.html",
      '@layout("base")\n@block("body")<main>@yield("content")</main><aside>@block("aside")side@endblock</aside>@endblock\n',
    );
    const view = '@layout("two-column")\n@block("content")C@endblock\n@block("scripts")S@endblock\n';
    expect(await render(view)).toBe("<html><main>C</main><aside>side</aside>|S</html>");
  });

  test("content outside blocks of a child template is not rendered", async () => {
    dir.write("layouts/plain.html", '[@yield("content")]');
    expect(await render('@layout("plain")\nignored text\n@block("content")x@endblock\nignored\n')).toBe(
      "[x]",
    );
  });

  test("@import sees the caller's data, locals and loop variables plus its props", async () => {
    dir.write("views/shared/row.html", "{{ prefix }}{{ item }}{{ suffix }}{{ mark }}");
    const view =
      '@set prefix = "<" @endset\n@for item in items\n@import("shared/row", { mark: "!" })\n@endfor\n';
    expect(await render(view, { items: ["a", "b"], suffix: ">" })).toBe("&lt;a&gt;!&lt;b&gt;!");
  });

  test("@import paths are relative to the importing file, at any depth", async () => {
    dir.write("views/deep/a.html", '@import("nested/b", { v: v + 1 })');
    dir.write("views/deep/nested/b.html", 'b{{ v }}@import("../c", { v: v + 1 })');
    dir.write("views/deep/c.html", "c{{ v }}");
    expect(await render('@import("deep/a", { v: 1 })')).toBe("b2c3");
  });

  test("components see only their props (and plugins), not the page data", async () => {
    dir.write("components/isolated.html", "[{{ secret }}][{{ label }}][{{ uppercase(label) }}]");
    expect(await render('@component("isolated", { label: "ok" })', { secret: "page-only" })).toBe(
      "[][ok][OK]",
    );
  });

  test("components nest, take raw() props and can be in subfolders", async () => {
    dir.write("components/forms/field.html", '<label>{{ label }}@component("forms/input", { name })</label>');
    dir.write("components/forms/input.html", '<input name="{{ name }}">{{ hint }}');
    expect(await render('@component("forms/field", { label: "Email", name: "email" })')).toBe(
      '<label>Email<input name="email"></label>',
    );
    dir.write("components/html.html", "{{ body }}");
    expect(await render('@component("html", { body: raw("<b>x</b>") })')).toBe("<b>x</b>");
  });

  test("recursive components are fine when a condition stops them", async () => {
    dir.write(
      "components/tree.html",
      '<li>{{ node.name }}@if node.children\n<ul>\n@for child in node.children\n@component("tree", { node: child })\n@endfor\n</ul>\n@endif\n</li>',
    );
    const node = { name: "root", children: [{ name: "a", children: [{ name: "a1" }] }, { name: "b" }] };
    const html = await render('@component("tree", { node })', { node });
    expect(html.replaceAll("\n", "")).toBe("<li>root<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul></li>");
  });
});
