import { afterAll, expect, test } from "bun:test";
import path from "node:path";
import { type Harpia, harpia } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import ejs from "ejs";
import { TemplateDir } from "../test/support/template-dir";

// The seed's EJS adapter, unchanged except for the base directory (the seed uses process.cwd()).
const dir = new TemplateDir({
  "src/views/home.ejs": `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title><%= title %></title>
</head>
<body>
<h1>Hello World!</h1>
</body>
</html>`,
});
afterAll(() => dir.remove());
const baseDir = dir.root;

export const ejsEngine = {
  configure: (app: Harpia) => {
    app.engine.set(ejsEngine);
  },
  render: async (view: string, data: Record<string, any>) => {
    const filePath = path.resolve(baseDir, "src/views", `${view}.ejs`);
    return await ejs.renderFile(filePath, data);
  },
};

test("the seed's EJS adapter plugs into app.engine.set and res.render", async () => {
  const app = harpia();
  ejsEngine.configure(app);
  app.get("/books", async (_req, res) => {
    await res.render("home", { title: "Books <&>" });
  });
  const res = await new TestClient(app).get("/books").execute();
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/html");
  const html = await res.text();
  expect(html).toContain("<title>Books &lt;&amp;&gt;</title>");
  expect(html).toContain("<h1>Hello World!</h1>");
});

test("res.locals reach an EJS view too", async () => {
  dir.write("src/views/user.ejs", "<p><%= user %> / <%= title %></p>");
  const app = harpia();
  ejsEngine.configure(app);
  app.use((_req, res, next) => {
    res.locals.user = "ada";
    return next();
  });
  app.get("/", (_req, res) => res.render("user", { title: "t" }));
  expect(
    await new TestClient(app)
      .get("/")
      .execute()
      .then((r) => r.text()),
  ).toBe("<p>ada / t</p>");
});
