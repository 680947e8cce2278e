import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import harpia, { type Harpia, Router, Upload } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { z } from "zod";
import { expectValidOpenApi } from "../test/support/validate";
import { type OpenApiDocument, openapi } from ".";

const Book = z.object({ id: z.number().int(), title: z.string() });

function booksApp(options: Parameters<typeof openapi>[0] = {}): Harpia {
  const app = harpia();
  app.use(openapi({ info: { title: "Books", version: "1.0.0" }, ...options }));
  app.get(
    "/books",
    { schema: { response: z.object({ books: z.array(Book) }) }, detail: { tags: ["books"] } },
    () => ({
      books: [],
    }),
  );
  app.post(
    "/books",
    {
      schema: { body: z.object({ title: z.string() }), response: { 201: Book } },
      detail: { summary: "Add a book" },
    },
    (req, res) => {
      res.status(201).json({ id: 1, title: req.body.title });
    },
  );
  return app;
}

describe("openapi()", () => {
  test("serves the document of the app's routes at /openapi.json, without its own routes", async () => {
    const client = new TestClient(booksApp());
    const res = await client.get("/openapi.json").execute();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const document = (await res.json()) as OpenApiDocument;
    await expectValidOpenApi(document);
    expect(document.info).toEqual({ title: "Books", version: "1.0.0" });
    expect(Object.keys(document.paths)).toEqual(["/books"]);
    expect(document.paths["/books"]!.post!.summary).toBe("Add a book");
  });

  test("the document is built once, and again only when routes were added", async () => {
    const app = booksApp({ path: "/api/spec.json", docs: false });
    const client = new TestClient(app);
    const first = await (await client.get("/api/spec.json").execute()).text();
    expect(await (await client.get("/api/spec.json").execute()).text()).toBe(first);
    app.get("/later", () => "late");
    const later = (await (await client.get("/api/spec.json").execute()).json()) as OpenApiDocument;
    expect(Object.keys(later.paths)).toEqual(["/books", "/later"]);
  });

  test("serves the reference page and its files from the package, with no inline script", async () => {
    const client = new TestClient(booksApp({ docs: "/reference" }));
    const page = await client.get("/reference").execute();
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/reference/swagger-ui-bundle.js"></script>');
    expect(html).toContain('data-url="/openapi.json"');
    expect(html).not.toMatch(/<script>|<style|style=/);
    const script = await client.get("/reference/init.js").execute();
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("SwaggerUIBundle(");
    const bundle = await client.get("/reference/swagger-ui-bundle.js").execute();
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    const css = await client.get("/reference/swagger-ui.css").execute();
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await client.get("/docs").execute()).status).toBe(404);
  });

  test("docs: false serves no page", async () => {
    const client = new TestClient(booksApp({ docs: false }));
    expect((await client.get("/docs").execute()).status).toBe(404);
    expect((await client.get("/openapi.json").execute()).status).toBe(200);
  });

  test("a route whose schema cannot be described: reported at listen, /openapi.json answers 500", async () => {
    const reported: unknown[] = [];
    const app = harpia({ logErrors: (error) => void reported.push(error) });
    app.use(openapi());
    app.post("/events", { schema: { body: z.object({ at: z.date() }) } }, () => "ok");
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      expect(String(reported[0])).toContain(
        "POST /events: the body schema cannot be turned into JSON Schema",
      );
      const res = await fetch(`http://127.0.0.1:${server.port}/openapi.json`);
      expect(res.status).toBe(500);
    } finally {
      await app.close();
    }
  });

  test("bad options are a TypeError naming them", () => {
    expect(() => openapi({ path: "openapi.json" })).toThrow(/option "path": must be a path/);
    expect(() => openapi({ docs: "/docs/:x" })).toThrow(/option "docs": must be a path/);
    expect(() => openapi({ path: "/docs/openapi.json" })).toThrow(/must not contain the document's path/);
    expect(() => openapi({ doc: "/x" } as never)).toThrow(/unknown option "doc"/);
  });
});

describe("from a real app's route table", () => {
  test("routers' detail and schemas merge, hidden routes, optional params, wildcards, app.all and WebSockets", async () => {
    const app = harpia();
    app.use(openapi({ info: { title: "All", version: "1" }, docs: false }));
    const api = Router("/api", {
      schema: { headers: z.object({ "x-tenant": z.string() }) },
      detail: { tags: ["api"] },
    });
    api.get("/books/:id(\\d+)", { detail: { tags: ["books"], summary: "One" } }, () => "one");
    api.get("/archive/:year?", () => "archive");
    api.get("/internal", { detail: { hide: true } }, () => "hidden");
    app.routes(api);
    app.get("/files/*", () => "file");
    app.all("/any", () => "any");
    app.ws("/chat/:room", {
      schema: { message: z.object({ text: z.string().max(500) }) },
      detail: { summary: "Chat" },
      message() {},
    });
    const document = (await (await app.request("/openapi.json")).json()) as OpenApiDocument;
    await expectValidOpenApi(document);
    expect(Object.keys(document.paths)).toEqual([
      "/files/{path}",
      "/any",
      "/api/books/{id}",
      "/api/archive",
      "/api/archive/{year}",
    ]);
    const one = document.paths["/api/books/{id}"]!.get!;
    expect(one.tags).toEqual(["api", "books"]);
    expect(one.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^(?:\\d+)$" } },
      { name: "x-tenant", in: "header", required: true, schema: { type: "string" } },
    ]);
    expect(Object.keys(document.paths["/any"]!)).toEqual(["get", "put", "post", "delete", "patch"]);
    expect(document["x-websockets"]!["/chat/{room}"]).toMatchObject({
      summary: "Chat",
      message: { properties: { text: { maxLength: 500 } } },
    });
  });
});

describe("body media types from a real app's route table", () => {
  const uploads = mkdtempSync(join(tmpdir(), "harpia-openapi-uploads-"));
  afterAll(() => rmSync(uploads, { recursive: true, force: true }));

  test("a form route and an upload route are documented with the media types they accept", async () => {
    const app = harpia();
    app.use(openapi({ info: { title: "Forms", version: "1" }, docs: false }));
    const Contact = z.object({ name: z.string(), message: z.string() });
    app.post("/contact", { accepts: "form", schema: { body: Contact } }, (req) => `thanks ${req.body.name}`);
    const upload = new Upload({ path: uploads, fieldName: "avatar" });
    app.post(
      "/avatar",
      { schema: { body: z.object({ caption: z.string() }) } },
      upload.single,
      () => "saved",
    );
    app.post("/books", { schema: { body: z.object({ title: z.string() }) } }, () => "ok");

    const document = (await (await app.request("/openapi.json")).json()) as OpenApiDocument;
    await expectValidOpenApi(document);
    const mediaTypes = (path: string) =>
      Object.keys((document.paths[path]!.post!.requestBody as { content: object }).content);
    expect(mediaTypes("/contact")).toEqual(["application/x-www-form-urlencoded"]);
    expect(mediaTypes("/avatar")).toEqual(["multipart/form-data"]);
    expect(mediaTypes("/books")).toEqual(["application/json"]);

    // The documented media types are the ones the app takes: a form is read, JSON is refused.
    const form = await app.request("/contact", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=Ada&message=hi",
    });
    expect(await form.text()).toBe("thanks Ada");
    const asJson = await app.request("/contact", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Ada", message: "hi" }),
    });
    expect(asJson.status).toBe(415);
  });
});

describe("upload file fields from a real app's route table", () => {
  const uploads = mkdtempSync(join(tmpdir(), "harpia-openapi-files-"));
  afterAll(() => rmSync(uploads, { recursive: true, force: true }));
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

  test("upload.single and a router's upload.multiple are documented as the files the routes take", async () => {
    const app = harpia();
    app.use(openapi({ info: { title: "Files", version: "1" }, docs: false }));
    const avatar = new Upload({
      path: join(uploads, "avatars"),
      fieldName: "avatar",
      options: { maxSize: "1mb", allowedTypes: ["image/png"] },
    });
    app.post("/avatar", { schema: { body: z.object({ caption: z.string() }) } }, avatar.single, (req) => ({
      caption: req.body.caption,
      saved: req.uploads.length,
    }));
    const albums = Router("/albums");
    albums.use(
      new Upload({ path: join(uploads, "albums"), fieldName: "photos", options: { maxFiles: 5 } }).multiple,
    );
    albums.post("/", () => "saved");
    app.routes(albums);

    const document = (await (await app.request("/openapi.json")).json()) as OpenApiDocument;
    await expectValidOpenApi(document);
    const media = (path: string) =>
      (document.paths[path]!.post!.requestBody as { content: Record<string, any> }).content[
        "multipart/form-data"
      ];
    expect(media("/avatar")).toEqual({
      schema: {
        type: "object",
        properties: {
          caption: { type: "string" },
          avatar: {
            type: "string",
            format: "binary",
            contentMediaType: "image/png",
            description: "One file. At most 1048576 bytes. Types: image/png.",
          },
        },
        required: ["caption", "avatar"],
      },
      encoding: { avatar: { contentType: "image/png" } },
    });
    expect(media("/albums").schema.properties.photos).toMatchObject({
      type: "array",
      items: { type: "string", format: "binary" },
      minItems: 1,
      maxItems: 5,
    });

    // The documented body is the one the app takes: the caption in req.body, the file saved;
    // without the required file, a 400.
    const send = (fields: Array<[string, string | File]>) => {
      const body = new FormData();
      for (const [name, value] of fields) body.append(name, value);
      return app.request("/avatar", { method: "POST", body, headers: { accept: "application/json" } });
    };
    const saved = await send([
      ["caption", "me"],
      ["avatar", new File([PNG], "me.png", { type: "image/png" })],
    ]);
    expect(await saved.json()).toEqual({ caption: "me", saved: 1 });
    const missing = await send([["caption", "me"]]);
    expect(missing.status).toBe(400);
    expect((await missing.json()).code).toBe("FILE_REQUIRED");
  });
});

describe("valibot route schemas on a real app", () => {
  test("documented through toJsonSchema, validated by core with the same schemas", async () => {
    const app = harpia();
    app.use(
      openapi({
        docs: false,
        toJsonSchema: (schema) =>
          (schema as { "~standard": { vendor: string } })["~standard"].vendor === "valibot"
            ? toJsonSchema(schema as v.GenericSchema)
            : undefined,
      }),
    );
    const Note = v.object({ text: v.pipe(v.string(), v.minLength(1), v.maxLength(500)) });
    app.post(
      "/notes",
      { schema: { body: Note, response: { 201: v.object({ id: v.number() }) } } },
      (_req, res) => {
        res.status(201).json({ id: 1 });
      },
    );
    const document = (await (await app.request("/openapi.json")).json()) as OpenApiDocument;
    await expectValidOpenApi(document);
    const create = document.paths["/notes"]!.post! as any;
    expect(create.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      properties: { text: { type: "string", minLength: 1, maxLength: 500 } },
      required: ["text"],
    });
    expect(create.responses["422"]).toEqual({ $ref: "#/components/responses/ValidationFailed" });
    // What the document says is what core enforces.
    const refused = await app.request("/notes", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "" }),
    });
    expect(refused.status).toBe(422);
    expect((await refused.json()).errors[0]).toMatchObject({ in: "body", path: "/text" });
  });
});

describe("over a real socket", () => {
  const app = booksApp();
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => app.close());

  test("GET /openapi.json", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/openapi.json`);
    const document = (await res.json()) as OpenApiDocument;
    expect(document.paths["/books"]!.get!.tags).toEqual(["books"]);
  });
});
