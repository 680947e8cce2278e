import { afterAll, describe, expect, test } from "bun:test";
import { renderSource, TemplateDir } from "../test/support/template-dir";
import { TemplateError, TemplateSyntaxError } from "./errors";

const dir = new TemplateDir();
afterAll(() => dir.remove());

const render = (source: string, data: Record<string, any> = {}) => renderSource(dir, source, data);

describe("escaping", () => {
  test("& < > \" ' are escaped in output by default", async () => {
    expect(await render('<p title="{{ v }}">{{ v }}</p>', { v: `<script>alert("x") & 'y'</script>` })).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;) &amp; &#x27;y&#x27;&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;) &amp; &#x27;y&#x27;&lt;/script&gt;</p>',
    );
  });

  test("raw(...) opts out, as in the seed's example", async () => {
    expect(await render("<p>{{ raw(\"<script>alert('xss')</script>\") }}</p>")).toBe(
      "<p><script>alert('xss')</script></p>",
    );
  });

  test("values of other types are converted then escaped; objects from data too", async () => {
    expect(
      await render("{{ a }}|{{ b }}|{{ c }}|{{ d }}", {
        a: 1.5,
        b: false,
        c: ["<", ">"],
        d: { toString: () => "<o>" },
      }),
    ).toBe("1.5|false|&lt;,&gt;|&lt;o&gt;");
  });
});

describe("data is never evaluated as template code", () => {
  test("template syntax inside data renders as literal, escaped text", async () => {
    const data = {
      a: "{{ process.env.HOME }}",
      b: "@if true\nX\n@endif",
      c: '@component("x")',
      d: `$${"{"}globalThis}`,
      e: '"); process.exit(1); ("',
    };
    expect(await render("{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}", data)).toBe(
      "{{ process.env.HOME }}|@if true\nX\n@endif|@component(&quot;x&quot;)|" +
        `$${"{"}globalThis}` +
        "|&quot;); process.exit(1); (&quot;",
    );
  });

  test("@set values and props built from data stay data", async () => {
    dir.write("components/echo.html", "{{ value }}");
    expect(
      await render('@set v = text @endset\n@component("echo", { value: v })', { text: "{{ 7 * 7 }}" }),
    ).toBe("{{ 7 * 7 }}");
  });
});

describe("expressions cannot reach the host runtime", () => {
  test("globals are not in scope: process, Bun, globalThis, require, Function, eval", async () => {
    const html = await render(
      "[{{ process }}][{{ process.env.HOME }}][{{ Bun }}][{{ globalThis }}][{{ require }}][{{ module }}][{{ this }}][{{ window }}][{{ Function }}][{{ eval }}][{{ $state }}][{{ data }}][{{ $runtime }}]",
    );
    expect(html).toBe("[][][][][][][][][][][][][]");
  });

  test("calling a global fails with a clear error instead of running it", async () => {
    await expect(render('{{ Function("return process")() }}')).rejects.toThrow(
      '"Function" is not a registered plugin nor a function in the data',
    );
    await expect(render('{{ eval("1") }}')).rejects.toThrow(TemplateError);
    await expect(render("{{ require('fs') }}")).rejects.toThrow(TemplateError);
  });

  test("constructor, __proto__ and prototype are refused when written out", async () => {
    for (const source of [
      "{{ name.constructor }}",
      '{{ name.constructor.constructor("return process")() }}',
      "{{ obj.__proto__ }}",
      "{{ fn.prototype }}",
      '{{ obj["constructor"] }}',
      "{{ name.__lookupGetter__ }}",
      "{{ { __proto__: obj } }}",
      "{{ fn.caller }}",
    ]) {
      await expect(render(source, { name: "x", obj: {}, fn() {} })).rejects.toThrow(TemplateSyntaxError);
    }
  });

  test("computed keys cannot reach them either", async () => {
    const data = { obj: {}, k: "constructor", parts: ["constr", "uctor"] };
    await expect(render("{{ obj[k] }}", data)).rejects.toThrow('Access to "constructor" is not allowed');
    await expect(render("{{ obj[parts[0] + parts[1]] }}", data)).rejects.toThrow("not allowed");
    await expect(render("{{ obj['__pro' + 'to__'] }}", data)).rejects.toThrow("not allowed");
    await expect(render("{{ { [k]: 1 } }}", data)).rejects.toThrow("not allowed");
    await expect(render("{{ obj[k]('return 1') }}", data)).rejects.toThrow("not allowed");
  });

  test("top-level names resolve to own data only, not Object.prototype", async () => {
    expect(
      await render(
        "[{{ toString }}][{{ valueOf }}][{{ hasOwnProperty }}][{{ constructor }}][{{ __proto__ }}]",
      ),
    ).toBe("[][][][][]");
  });

  test("a Function constructor handed over in the data cannot be called", async () => {
    await expect(render('{{ f("return 1")() }}', { f: Function })).rejects.toThrow(
      'Calling "f" is not allowed',
    );
    await expect(render('{{ o.f("return 1") }}', { o: { f: Function } })).rejects.toThrow("not allowed");
  });

  test("a __proto__ key in the data does not become the prototype of an import's data", async () => {
    dir.write("views/partials/flag.html", "[{{ isAdmin }}]");
    const body = JSON.parse('{"__proto__": {"isAdmin": "yes"}}');
    expect(await render('@import("partials/flag")', body)).toBe("[]");
  });

  test("prototype pollution through object literals is impossible", async () => {
    await render("@set o = { ...payload } @endset\n{{ o.polluted }}", {
      payload: JSON.parse('{"__proto__": {"polluted": 1}}'),
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("assignment, template literals, arrow functions and `new` are not part of the language", async () => {
    await expect(render("{{ x = 1 }}")).rejects.toThrow("Assignment is not allowed");
    await expect(render(`{{ \`$${"{"}x}\` }}`)).rejects.toThrow("Template literals are not supported");
    await expect(render("{{ (() => 1)() }}")).rejects.toThrow(TemplateSyntaxError);
    await expect(render("{{ new Date() }}")).rejects.toThrow(TemplateSyntaxError);
    await expect(render("{{ a; b }}")).rejects.toThrow(TemplateSyntaxError);
  });

  test("a name in a template cannot break out of the generated code", async () => {
    // Unusual identifiers are mapped to numbered variables, never pasted into the code.
    expect(await render("{{ ünïcödé }}|{{ $ }}|{{ _ }}", { ünïcödé: "u", $: "d", _: "x" })).toBe("u|d|x");
    expect(await render('{{ "\\u2028</script>" }}')).toBe("\u2028&lt;/script&gt;");
  });
});
