// An engine is a Harpia plugin: app.use(engine) installs it once; engine.configure(app) is the
// seed's spelling of the same call.
import { afterAll, describe, expect, test } from "bun:test";
import { type Harpia, harpia, isPlugin, Router } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { TemplateDir } from "../test/support/template-dir";
import type { TemplateEngine } from "./engine";

const dir = new TemplateDir({ "views/home.html": "<h1>{{ title }}</h1>" });
afterAll(() => dir.remove());

const other = { render: () => "the other engine" };

async function page(app: Harpia): Promise<string> {
  return (await new TestClient(app).get("/")).text();
}

describe("installing the engine", () => {
  test("an engine is a plugin named @harpia/template-engine", () => {
    const engine = dir.engine();
    expect(isPlugin(engine)).toBe(true);
    const app = harpia();
    expect(app.hasPlugin("@harpia/template-engine")).toBe(false);
    app.use(engine);
    expect(app.hasPlugin("@harpia/template-engine")).toBe(true);
  });

  const installs: [string, (app: Harpia, engine: TemplateEngine) => unknown][] = [
    ["app.use(engine)", (app, engine) => app.use(engine)],
    ["engine.configure(app)", (app, engine) => engine.configure(app)],
  ];
  for (const [how, install] of installs) {
    test(`${how} makes res.render use it, and installs it once`, async () => {
      const app = harpia();
      const engine = dir.engine();
      install(app, engine);
      app.get("/", (_req, res) => res.render("home", { title: "Books" }));
      expect(await page(app)).toBe("<h1>Books</h1>");
      // Installed once: installing it again (either way) is a no-op, so another engine the app
      // was given since stays in place.
      app.engine.set(other);
      app.use(engine);
      expect(engine.configure(app)).toBe(engine);
      expect(await page(app)).toBe("the other engine");
    });
  }

  test("development follows the app's settings unless the option says otherwise", () => {
    const engine = dir.engine();
    expect(engine.development).toBe(false);
    const app = harpia({ development: true });
    app.use(engine);
    expect(engine.development).toBe(true);
    app.development = false; // listen({ development: false }) does this
    expect(engine.development).toBe(false);
    const pinned = dir.engine({ development: false });
    harpia({ development: true }).use(pinned);
    expect(pinned.development).toBe(false);
  });

  test("one engine serves several apps", async () => {
    const engine = dir.engine();
    const apps = [harpia(), harpia()];
    for (const [i, app] of apps.entries()) {
      app.use(engine);
      app.get("/", (_req, res) => res.render("home", { title: `app ${i}` }));
    }
    expect(await page(apps[0]!)).toBe("<h1>app 0</h1>");
    expect(await page(apps[1]!)).toBe("<h1>app 1</h1>");
  });

  test("on a router it is refused: the engine belongs to the app", () => {
    expect(() => Router("admin").use(dir.engine())).toThrow("app.use()");
  });
});
