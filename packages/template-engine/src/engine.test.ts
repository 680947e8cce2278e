import { afterAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { HttpError, harpia } from "@harpia/core";
import { shield } from "@harpia/shield";
import { TestClient } from "@harpia/test-client";
import { TemplateDir } from "../test/support/template-dir";
import { TemplateEngine } from "./engine";
import { TemplateError, TemplateNotFoundError } from "./errors";
import { raw } from "./plugins";

// The seed's layout: src/resources/{pages,layouts,components}, views as <view>/page.html.
const dir = new TemplateDir({
  "src/resources/pages/home/page.html": "<title>{{ title }}</title>\n<h1>{{ heading ?? title }}</h1>\n",
  "src/resources/pages/plugins/page.html":
    "<p>Uppercase plugin: {{ uppercase(user.name) }}</p>\n<p>Sum plugin: {{ sum(10, 20) }}</p>\n",
  "src/resources/layouts/default.html":
    '<html>\n<head>\n<title>{{ title }}</title>\n</head>\n<body>\n@yield("content")\n</body>\n</html>\n',
  "src/resources/pages/welcome/page.html":
    '@layout("default", { title: "Homepage" })\n@block("content")\n<h1>Welcome, {{ user.name }}!</h1>\n<p>{{ uppercase("this page uses the default layout.") }}</p>\n@endblock\n',
  "src/resources/pages/unescaped/page.html": "<p>{{ raw(\"<script>alert('xss')</script>\") }}</p>",
  "src/resources/pages/flat.html": "flat {{ title }}",
  "modules/books/pages/home/page.html": "<h1>{{ title }}</h1> from books",
  "modules/users/pages/home/page.html": "<h1>{{ title }}</h1> from users",
  "app/services/mailer/templates/account-created.html": "Welcome {{ data.name }}, your account is ready.",
});
afterAll(() => dir.remove());

const seedEngine = () => {
  const engine = new TemplateEngine({
    viewName: "page", // page.html will be rendered
    useModules: false,
    fileExtension: ".html",
    path: {
      views: dir.path("src/resources/pages"),
      layouts: dir.path("src/resources/layouts"),
      components: dir.path("src/resources/components"),
    },
  });
  engine.registerPlugin("uppercase", (str: string) => str.toUpperCase());
  engine.registerPlugin("sum", (a: number, b: number) => a + b);
  return engine;
};

describe("the seed's examples through an app", () => {
  test("engine.configure(app) then res.render(view, data)", async () => {
    const app = harpia();
    seedEngine().configure(app);
    app.get("/books", async (_req, res) => {
      await res.render("home", { title: "Books" });
    });
    const res = await new TestClient(app).get("/books").execute();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toBe("<title>Books</title>\n<h1>Books</h1>\n");
  });

  test("plugin usage example", async () => {
    const app = harpia();
    seedEngine().configure(app);
    app.get("/", (_req, res) => res.render("plugins", { user: { name: "lucas" } }));
    expect(
      await new TestClient(app)
        .get("/")
        .execute()
        .then((r) => r.text()),
    ).toBe("<p>Uppercase plugin: LUCAS</p>\n<p>Sum plugin: 30</p>\n");
  });

  test("layout example", async () => {
    const app = harpia();
    seedEngine().configure(app);
    app.get("/", (_req, res) => res.render("welcome", { user: { name: "Ana" } }));
    expect(
      await new TestClient(app)
        .get("/")
        .execute()
        .then((r) => r.text()),
    ).toBe(
      "<html>\n<head>\n<title>Homepage</title>\n</head>\n<body>\n<h1>Welcome, Ana!</h1>\n<p>THIS PAGE USES THE DEFAULT LAYOUT.</p>\n</body>\n</html>\n",
    );
  });

  test("unescaped content example", async () => {
    expect(await seedEngine().render("unescaped")).toBe("<p><script>alert('xss')</script></p>");
  });

  test("module structure: res.module(name).render(view, data)", async () => {
    const engine = new TemplateEngine({
      viewName: "page",
      useModules: true,
      fileExtension: ".html",
      path: {
        views: path.join(dir.root, "modules", "**", "pages"),
        layouts: path.join(dir.root, "resources", "layouts"),
        components: path.join(dir.root, "resources", "components"),
      },
    });
    const app = harpia();
    engine.configure(app);
    app.get("/books", async (_req, res) => {
      await res.module("books").render("home", { title: "Books" });
    });
    app.get("/users", (_req, res) => res.module("users").render("home", { title: "Users" }));
    app.get("/no-module", (_req, res) => res.render("home"));
    app.get("/bad-module", (_req, res) => res.module("../books").render("home"));
    const client = new TestClient(app);
    expect(
      await client
        .get("/books")
        .execute()
        .then((r) => r.text()),
    ).toBe("<h1>Books</h1> from books");
    expect(
      await client
        .get("/users")
        .execute()
        .then((r) => r.text()),
    ).toBe("<h1>Users</h1> from users");
    expect((await client.get("/no-module").execute()).status).toBe(500);
    await expect(engine.render("home")).rejects.toThrow('res.module("name").render(view, data)');
    await expect(engine.render("home", {}, { module: "../books" })).rejects.toThrow("Invalid module name");
  });

  test("engine.generate(path, data) renders a template anywhere, path relative to the working directory", async () => {
    const engine = seedEngine();
    const app = harpia();
    engine.configure(app);
    const relative = path.relative(process.cwd(), dir.path("app/services/mailer/templates/account-created"));
    let mail = "";
    app.post("/send-email", async (_req, res) => {
      const data = { name: "Ada <ada@example.com>" };
      mail = await engine.generate(relative, { data });
      res.status(202).send("queued");
    });
    expect((await new TestClient(app).post("/send-email").execute()).status).toBe(202);
    expect(mail).toBe("Welcome Ada &lt;ada@example.com&gt;, your account is ready.");
    await expect(engine.generate("nowhere/missing")).rejects.toThrow(path.resolve("nowhere/missing.html"));
  });

  test("with security headers: app.use(shield.middleware(app)); engine.configure(app, shield.instance)", async () => {
    // The seed's `./shield` module exports a value with `.middleware(app)` and `.instance`.
    const seedShield = shield({ useNonce: true });
    const app = harpia();
    // Apply security headers middleware
    app.use(seedShield.middleware(app));
    // Setup template engine (the second argument is accepted and ignored)
    const engine = seedEngine();
    expect(engine.configure(app, seedShield.instance)).toBe(engine);
    dir.write("src/resources/pages/script/page.html", '<script nonce="{{ nonce }}"></script>');
    app.get("/books", async (_req, res) => {
      await res.render("home", { title: "Books" });
    });
    app.get("/script", (_req, res) => res.render("script"));
    const client = new TestClient(app);
    const books = await client.get("/books").execute();
    expect(await books.text()).toBe("<title>Books</title>\n<h1>Books</h1>\n");
    expect(books.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const script = await client.get("/script").execute();
    const nonce = /nonce="([^"]+)"/.exec(await script.text())![1]!;
    expect(script.headers.get("content-security-policy")).toContain(`script-src 'self' 'nonce-${nonce}'`);
  });
});

describe("rendering through the app", () => {
  test("res.locals are merged into the data; the handler's data wins", async () => {
    const app = harpia();
    seedEngine().configure(app);
    app.use((_req, res, next) => {
      res.locals.title = "from locals";
      res.locals.heading = "heading from locals";
      return next();
    });
    app.get("/", (_req, res) => res.render("home", { title: "from handler" }));
    expect(
      await new TestClient(app)
        .get("/")
        .execute()
        .then((r) => r.text()),
    ).toBe("<title>from handler</title>\n<h1>heading from locals</h1>\n");
  });

  test("a view name that climbs out of the views directory is refused", async () => {
    const app = harpia();
    seedEngine().configure(app);
    app.get("/", (req, res) => res.render(String(req.query.view)));
    const res = await new TestClient(app)
      .get("/")
      .query("view", "../../../app/services/mailer/templates/account-created")
      .execute();
    expect(res.status).toBe(500);
    await expect(seedEngine().render("../layouts/default")).rejects.toThrow("is outside its directory");
  });

  test("a missing view is an error naming every path it looked for", async () => {
    const error = await seedEngine()
      .render("nope")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateNotFoundError);
    expect((error as TemplateNotFoundError).searched).toEqual([
      dir.path("src/resources/pages/nope/page.html"),
      dir.path("src/resources/pages/nope.html"),
    ]);
    expect((error as Error).message).toContain(dir.path("src/resources/pages/nope/page.html"));
  });

  test("with viewName, a plain <view>.html is the fallback; without it, views are files", async () => {
    expect(await seedEngine().render("flat", { title: "x" })).toBe("flat x");
    const engine = new TemplateEngine({ path: { views: dir.path("src/resources/pages") } });
    expect(await engine.render("home/page", { title: "t" })).toBe("<title>t</title>\n<h1>t</h1>\n");
  });

  test("another file extension", async () => {
    dir.write("txt/views/mail.txt", "Hi {{ name }}");
    const engine = new TemplateEngine({ fileExtension: "txt", path: { views: dir.path("txt/views") } });
    expect(await engine.render("mail", { name: "Ada" })).toBe("Hi Ada");
  });

  test("plugins get the render context as `this`", async () => {
    const app = harpia();
    const engine = seedEngine();
    engine.registerPlugin("whoami", function () {
      return `${this.res?.statusCode}:${this.locals.user}`;
    });
    engine.configure(app);
    dir.write("src/resources/pages/ctx.html", "{{ whoami() }}");
    app.get("/", (_req, res) => {
      res.locals.user = "ada";
      return res.status(201).render("ctx");
    });
    expect(
      await new TestClient(app)
        .get("/")
        .execute()
        .then((r) => r.text()),
    ).toBe("201:ada");
  });

  test("a plugin may return raw() markup", async () => {
    const engine = seedEngine();
    engine.registerPlugin("icon", (name: string) => raw(`<svg data-icon="${Bun.escapeHTML(name)}"></svg>`));
    dir.write("src/resources/pages/icon.html", "{{ icon('star') }}");
    expect(await engine.render("icon")).toBe('<svg data-icon="star"></svg>');
  });

  test("an HttpError thrown by a plugin keeps its status", async () => {
    const app = harpia();
    const engine = seedEngine();
    engine.registerPlugin("load", () => {
      throw new HttpError(404, "No such book");
    });
    engine.configure(app);
    dir.write("src/resources/pages/load.html", "{{ load() }}");
    app.get("/", (_req, res) => res.render("load"));
    const res = await new TestClient(app).get("/").set("accept", "application/json").execute();
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe("No such book");
  });

  test("a Promise from a plugin is a clear error, not [object Promise]", async () => {
    const engine = seedEngine();
    engine.registerPlugin("later", async () => "x");
    dir.write("src/resources/pages/later.html", "{{ later() }}");
    await expect(engine.render("later")).rejects.toThrow("Cannot print a Promise");
  });

  test("registerPlugin validates names and refuses to replace raw", () => {
    const engine = seedEngine();
    expect(() => engine.registerPlugin("raw", () => "")).toThrow("built-in");
    expect(() => engine.registerPlugin("not valid", () => "")).toThrow("Invalid plugin name");
    expect(() => engine.registerPlugin("x", "nope" as never)).toThrow("must be a function");
    expect(engine.registerPlugin("fine", () => 1).hasPlugin("fine")).toBe(true);
  });

  test("options and data are validated", async () => {
    expect(() => new TemplateEngine({ path: {} } as never)).toThrow("options.path.views");
    expect(() => new TemplateEngine({ path: { views: "x" }, maxDepth: 0 })).toThrow(TemplateError);
    await expect(seedEngine().render("home", null as never)).rejects.toThrow(
      "Template data must be an object",
    );
  });
});
