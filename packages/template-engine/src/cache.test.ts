import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { harpia } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { TemplateDir } from "../test/support/template-dir";
import { TemplateNotFoundError } from "./errors";

let dir: TemplateDir;
afterEach(() => dir.remove());

function site() {
  dir = new TemplateDir({
    "views/home.html": '@layout("main")\n@block("body")@component("card", { title })@endblock\n',
    "layouts/main.html": '<main>@yield("body")</main>',
    "components/card.html": "<div>{{ title }}</div>",
  });
  return dir;
}

describe("production (the default)", () => {
  test("compiles once: later renders read no file, even when the files are gone", async () => {
    const engine = site().engine();
    expect(await engine.render("home", { title: "A" })).toBe("<main><div>A</div></main>");
    rmSync(dir.path("views"), { recursive: true });
    rmSync(dir.path("layouts"), { recursive: true });
    rmSync(dir.path("components"), { recursive: true });
    expect(await engine.render("home", { title: "B" })).toBe("<main><div>B</div></main>");
  });

  test("edits are not picked up until clearCache()", async () => {
    const engine = site().engine();
    await engine.render("home", { title: "A" });
    dir.write("components/card.html", "<section>{{ title }}</section>");
    expect(await engine.render("home", { title: "A" })).toBe("<main><div>A</div></main>");
    engine.clearCache();
    expect(await engine.render("home", { title: "A" })).toBe("<main><section>A</section></main>");
  });

  test("a broken template keeps failing without being re-read on every request", async () => {
    const engine = site().engine();
    dir.write("views/broken.html", "{{ a + }}");
    await expect(engine.render("broken")).rejects.toThrow("Expected an expression");
    dir.write("views/broken.html", "fixed");
    await expect(engine.render("broken")).rejects.toThrow("Expected an expression");
  });

  test("concurrent first renders share the compiled templates and agree", async () => {
    const engine = site().engine();
    const pages = await Promise.all(
      Array.from({ length: 20 }, (_, i) => engine.render("home", { title: `t${i}` })),
    );
    pages.forEach((page, i) => {
      expect(page).toBe(`<main><div>t${i}</div></main>`);
    });
  });

  test("preload() compiles views ahead and fails early for a missing one", async () => {
    const engine = site().engine();
    await engine.preload(["home"]);
    rmSync(dir.path("components"), { recursive: true });
    expect(await engine.render("home", { title: "x" })).toBe("<main><div>x</div></main>");
    await expect(engine.preload(["missing"])).rejects.toThrow(TemplateNotFoundError);
  });

  test("the cache holds at most maxTemplates files", async () => {
    site();
    for (let i = 0; i < 8; i++) dir.write(`views/v${i}.html`, `view ${i}`);
    const engine = dir.engine({ maxTemplates: 3 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 8; i++) expect(await engine.render(`v${i}`)).toBe(`view ${i}`);
    }
    const internals = engine as unknown as { cache: { size: number }; views: Map<string, unknown> };
    expect(internals.cache.size).toBeLessThanOrEqual(3);
    expect(internals.views.size).toBeLessThanOrEqual(3);
  });
});

describe("development", () => {
  test("changes to views, layouts and components are picked up on the next render", async () => {
    const engine = site().engine({ development: true });
    expect(await engine.render("home", { title: "A" })).toBe("<main><div>A</div></main>");
    dir.write("components/card.html", "<article>{{ title }}</article>");
    expect(await engine.render("home", { title: "A" })).toBe("<main><article>A</article></main>");
    dir.write("layouts/main.html", '<body>@yield("body")</body>');
    expect(await engine.render("home", { title: "A" })).toBe("<body><article>A</article></body>");
    dir.write("views/home.html", '@layout("main")\n@block("body")changed@endblock\n');
    expect(await engine.render("home", { title: "A" })).toBe("<body>changed</body>");
  });

  test("a syntax error shows until the file is fixed; a deleted view is reported", async () => {
    const engine = site().engine({ development: true });
    dir.write("views/home.html", "{{ oops( }}");
    await expect(engine.render("home")).rejects.toThrow("home.html:1:");
    dir.write("views/home.html", "ok now");
    expect(await engine.render("home")).toBe("ok now");
    rmSync(dir.path("views/home.html"));
    await expect(engine.render("home")).rejects.toThrow(TemplateNotFoundError);
  });

  test("follows app.development when the option is not given", async () => {
    site();
    for (const [development, expected] of [
      [true, "<main><p>A</p></main>"],
      [false, "<main><div>A</div></main>"],
    ] as const) {
      dir.write("components/card.html", "<div>{{ title }}</div>");
      const app = harpia({ development });
      dir.engine().configure(app);
      app.get("/", (_req, res) => res.render("home", { title: "A" }));
      const client = new TestClient(app);
      await client.get("/").execute();
      dir.write("components/card.html", "<p>{{ title }}</p>");
      expect(
        await client
          .get("/")
          .execute()
          .then((r) => r.text()),
      ).toBe(expected);
    }
  });

  test("an explicit development option wins over the app's flag", async () => {
    const engine = site().engine({ development: false });
    engine.configure(harpia({ development: true }));
    expect(engine.development).toBe(false);
  });
});
