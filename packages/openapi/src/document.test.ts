import { describe, expect, test } from "bun:test";
import type { RouteInfo } from "@harpia/core";
import { toJsonSchema as valibotToJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { route } from "../test/support/route-table";
import { expectValidOpenApi } from "../test/support/validate";
import { buildOpenApiDocument, OpenApiError } from ".";

const info = { title: "Books", version: "1.0.0" };
const Book = z.object({ id: z.number().int(), title: z.string(), author: z.string() });
const NewBook = z.object({ title: z.string().min(1).describe("The title"), author: z.string() });

async function build(routes: RouteInfo[], options: Parameters<typeof buildOpenApiDocument>[1] = { info }) {
  const document = buildOpenApiDocument(routes, options);
  await expectValidOpenApi(document);
  return document;
}

describe("paths from patterns", () => {
  test(":id becomes {id}, a constraint its pattern, and ids are generated from method and path", async () => {
    const doc = await build([
      route("GET", "/books"),
      route("GET", "/books/:id(\\d+)"),
      route("DELETE", "/books/:id(\\d+)"),
    ]);
    expect(Object.keys(doc.paths)).toEqual(["/books", "/books/{id}"]);
    const show = doc.paths["/books/{id}"]!.get!;
    expect(show.operationId).toBe("getBooksById");
    expect(doc.paths["/books"]!.get!.operationId).toBe("getBooks");
    expect(doc.paths["/books/{id}"]!.delete!.operationId).toBe("deleteBooksById");
    expect(show.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^(?:\\d+)$" } },
    ]);
  });

  test("an optional parameter gives both paths; a wildcard a {path} parameter", async () => {
    const doc = await build([route("GET", "/archive/:year?"), route("GET", "/files/*")]);
    expect(Object.keys(doc.paths)).toEqual(["/archive", "/archive/{year}", "/files/{path}"]);
    expect(doc.paths["/archive"]!.get!.operationId).toBe("getArchive");
    expect(doc.paths["/archive/{year}"]!.get!.operationId).toBe("getArchiveByYear");
    const [wildcard] = doc.paths["/files/{path}"]!.get!.parameters as Array<Record<string, unknown>>;
    expect(wildcard).toMatchObject({ name: "path", in: "path", required: true });
    expect(String(wildcard!.description)).toContain("several segments");
  });

  test("app.all is listed under each method the path has no route of its own for; WebSockets in x-websockets", async () => {
    const doc = await build([
      route("GET", "/ping"),
      route("ALL", "/ping"),
      route("WS", "/chat/:room", {
        schema: { message: z.object({ text: z.string() }) },
        detail: { summary: "Chat" },
      }),
    ]);
    expect(Object.keys(doc.paths["/ping"]!)).toEqual(["get", "put", "post", "delete", "patch"]);
    expect(doc.paths["/ping"]!.get!.operationId).toBe("getPing");
    expect(doc.paths["/chat/{room}"]).toBeUndefined();
    expect(doc["x-websockets"]!["/chat/{room}"]).toMatchObject({
      summary: "Chat",
      parameters: [{ name: "room", in: "path" }],
      message: { type: "object", properties: { text: { type: "string" } } },
    });
  });
});

describe("schemas (zod 4 through Standard JSON Schema)", () => {
  const routes = [
    route("GET", "/books", {
      schema: {
        query: z.object({ q: z.string().optional(), limit: z.coerce.number().int().default(20) }),
        headers: z.object({ "x-tenant": z.string() }),
        cookies: z.object({ session: z.string().optional() }),
        response: z.object({ books: z.array(Book) }),
      },
    }),
    route("POST", "/books", {
      schema: { body: NewBook, response: { 201: Book, 409: z.object({ message: z.string() }) } },
    }),
    route("GET", "/books/:id(\\d+)", {
      schema: { params: z.object({ id: z.coerce.number().int() }), response: Book },
    }),
    route("GET", "/health"),
  ];

  test("query, headers and cookies properties become parameters with `required`", async () => {
    const doc = await build(routes);
    expect(doc.paths["/books"]!.get!.parameters).toEqual([
      { name: "q", in: "query", schema: { type: "string" } },
      { name: "limit", in: "query", schema: expect.objectContaining({ type: "integer", default: 20 }) },
      { name: "x-tenant", in: "header", required: true, schema: { type: "string" } },
      { name: "session", in: "cookie", schema: { type: "string" } },
    ]);
  });

  test("a params schema types the path parameter (a number keeps no string pattern)", async () => {
    const [id] = (await build(routes)).paths["/books/{id}"]!.get!.parameters as Array<Record<string, any>>;
    expect(id).toMatchObject({ name: "id", in: "path", required: true, schema: { type: "integer" } });
    expect(id!.schema.pattern).toBeUndefined();
  });

  test("the body is a JSON request body (the input shape), responses per status (the output shape)", async () => {
    const create = (await build(routes)).paths["/books"]!.post!;
    expect(create.requestBody).toEqual({
      required: true,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              title: { type: "string", minLength: 1, description: "The title" },
              author: { type: "string" },
            },
            required: ["title", "author"],
          },
        },
      },
    });
    const responses = create.responses as Record<string, any>;
    expect(Object.keys(responses)).toEqual(["201", "409", "422"]);
    expect(responses["201"].description).toBe("Created");
    expect(Object.keys(responses["201"].content)).toEqual(["application/json"]);
    // An error may also be a thrown HttpError, which core sends as a problem document.
    expect(Object.keys(responses["409"].content)).toEqual(["application/json", "application/problem+json"]);
    expect(responses["201"].content["application/json"].schema.required).toEqual(["id", "title", "author"]);
  });

  test("one response schema is the 200; no schema at all is a bare 2XX and no 422", async () => {
    const doc = await build(routes);
    expect(Object.keys(doc.paths["/books/{id}"]!.get!.responses as object)).toEqual(["200", "422"]);
    expect(doc.paths["/health"]!.get!.responses).toEqual({
      "2XX": { description: "Success (no response schema declared)" },
    });
  });

  test("routes with request schemas share the ValidationFailed response (problem+json)", async () => {
    const doc = await build(routes);
    expect((doc.paths["/books"]!.post!.responses as any)["422"]).toEqual({
      $ref: "#/components/responses/ValidationFailed",
    });
    const shared = doc.components.responses!.ValidationFailed as any;
    expect(shared.content["application/problem+json"].schema).toEqual({
      $ref: "#/components/schemas/ValidationProblem",
    });
    expect(doc.components.schemas!.ValidationProblem).toMatchObject({
      required: ["title", "status", "code", "errors"],
    });
  });

  test("a route's own 422 schema wins over the shared one", async () => {
    const doc = await build([
      route("POST", "/x", {
        schema: { body: NewBook, response: { 200: Book, 422: z.object({ oops: z.string() }) } },
      }),
    ]);
    expect(
      (doc.paths["/x"]!.post!.responses as any)["422"].content["application/json"].schema.properties.oops,
    ).toBeDefined();
    expect(doc.components.responses).toBeUndefined();
  });

  test("a recursive schema becomes a component its $refs point to", async () => {
    const Node: z.ZodType<{ name: string; children: unknown[] }> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node);
      },
    });
    const doc = await build([route("POST", "/trees", { schema: { body: Node } })]);
    const body = (doc.paths["/trees"]!.post!.requestBody as any).content["application/json"].schema;
    expect(body).toEqual({ $ref: "#/components/schemas/PostTrees_body" });
    expect((doc.components.schemas!.PostTrees_body as any).properties.children.items).toEqual({
      $ref: "#/components/schemas/PostTrees_body",
    });
  });

  test("a schema JSON Schema cannot express is an error naming the route and the part", () => {
    const build = () =>
      buildOpenApiDocument([route("POST", "/events", { schema: { body: z.object({ at: z.date() }) } })]);
    expect(build).toThrow(OpenApiError);
    expect(build).toThrow(/POST \/events: the body schema cannot be turned into JSON Schema .*Date/);
  });
});

describe("request body media types (the route's accepts)", () => {
  const Contact = z.object({ name: z.string(), message: z.string().max(2000) });
  const contactSchema = {
    type: "object",
    properties: { name: { type: "string" }, message: { type: "string", maxLength: 2000 } },
    required: ["name", "message"],
  };

  test("a form route documents its body as application/x-www-form-urlencoded, not JSON", async () => {
    const doc = await build([route("POST", "/contact", { accepts: ["form"], schema: { body: Contact } })]);
    expect(doc.paths["/contact"]!.post!.requestBody).toEqual({
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: contactSchema } },
    });
  });

  test("every accepted kind gets its media type with the body schema, in the route table's order", async () => {
    const doc = await build([
      route("PUT", "/contact", { accepts: ["json", "form", "multipart"], schema: { body: Contact } }),
    ]);
    const body = doc.paths["/contact"]!.put!.requestBody as { content: Record<string, { schema: unknown }> };
    expect(Object.keys(body.content)).toEqual([
      "application/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
    ]);
    for (const media of Object.values(body.content)) expect(media.schema).toEqual(contactSchema);
  });

  test("a multipart body schema's files are binary strings with their media type", async () => {
    const Profile = z.object({
      caption: z.string(),
      avatar: z.file().mime(["image/png"]).optional(),
      photos: z.array(z.file()).optional(),
    });
    const doc = await build([
      route("POST", "/profile", { accepts: ["multipart"], schema: { body: Profile } }),
    ]);
    const body = doc.paths["/profile"]!.post!.requestBody as Record<string, any>;
    expect(Object.keys(body.content)).toEqual(["multipart/form-data"]);
    const properties = body.content["multipart/form-data"].schema.properties;
    expect(properties.avatar).toMatchObject({
      type: "string",
      format: "binary",
      contentMediaType: "image/png",
    });
    expect(properties.photos.items).toMatchObject({ type: "string", format: "binary" });
  });

  test("without a body schema, a route that limits its body kinds still documents them (body not required)", async () => {
    const doc = await build([
      route("POST", "/avatar", { accepts: ["multipart"] }),
      route("POST", "/notes", { accepts: ["text", "json"] }),
      route("POST", "/anything"),
      route("GET", "/search", { accepts: ["json"] }),
    ]);
    expect(doc.paths["/avatar"]!.post!.requestBody).toEqual({
      content: { "multipart/form-data": { schema: { type: "object" } } },
    });
    expect(doc.paths["/notes"]!.post!.requestBody).toEqual({
      content: { "text/plain": { schema: { type: "string" } }, "application/json": { schema: {} } },
    });
    // No accepts and no body schema: nothing to say, as before; a GET body is never read.
    expect(doc.paths["/anything"]!.post!.requestBody).toBeUndefined();
    expect(doc.paths["/search"]!.get!.requestBody).toBeUndefined();
  });

  test("a route without accepts keeps the JSON body it always had", async () => {
    const doc = await build([route("POST", "/contact", { schema: { body: Contact } })]);
    expect(doc.paths["/contact"]!.post!.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: contactSchema } },
    });
  });
});

describe("upload file fields (the route's files)", () => {
  const avatar = {
    field: "avatar",
    multiple: false,
    required: true,
    maxFiles: 1,
    maxSize: 2048,
    types: ["image/png"],
    extensions: [".png"],
  };
  const photos = {
    field: "photos",
    multiple: true,
    required: false,
    maxFiles: 4,
    types: ["image/*", "application/pdf"],
  };
  type Media = { schema: Record<string, any>; encoding?: Record<string, unknown> };
  const multipartOf = (doc: Awaited<ReturnType<typeof build>>, path: string) =>
    doc.paths[path]!.post!.requestBody as { required?: boolean; content: Record<string, Media> };

  test("files become binary properties of the body's object schema; a required single file is required", async () => {
    const doc = await build([
      route("POST", "/profile", {
        accepts: ["multipart"],
        files: [avatar, photos],
        schema: { body: z.object({ caption: z.string(), alt: z.string().optional() }) },
      }),
    ]);
    const body = multipartOf(doc, "/profile");
    expect(body.required).toBe(true);
    const media = body.content["multipart/form-data"]!;
    expect(media.schema).toEqual({
      type: "object",
      properties: {
        caption: { type: "string" },
        alt: { type: "string" },
        avatar: {
          type: "string",
          format: "binary",
          contentMediaType: "image/png",
          description: "One file. At most 2048 bytes. Types: image/png. Extensions: .png.",
        },
        photos: {
          type: "array",
          description: "Up to 4 files. Types: image/*, application/pdf.",
          items: { type: "string", format: "binary" },
          maxItems: 4,
        },
      },
      required: ["caption", "avatar"],
    });
    expect(media.encoding).toEqual({
      avatar: { contentType: "image/png" },
      photos: { contentType: "image/*, application/pdf" },
    });
  });

  test("without a body schema the files are the schema; a required file makes the body required", async () => {
    const doc = await build([
      route("POST", "/avatar", { accepts: ["multipart"], files: [avatar] }),
      route("POST", "/gallery", { accepts: ["multipart"], files: [photos] }),
      route("POST", "/scans", {
        accepts: ["multipart"],
        files: [{ ...photos, required: true, types: undefined }],
      }),
    ]);
    expect(multipartOf(doc, "/avatar").required).toBe(true);
    expect(multipartOf(doc, "/avatar").content["multipart/form-data"]!.schema).toMatchObject({
      type: "object",
      properties: { avatar: { type: "string", format: "binary" } },
      required: ["avatar"],
    });
    // An optional upload: the body may be left out, and the field has no required list.
    const gallery = multipartOf(doc, "/gallery");
    expect(gallery.required).toBeUndefined();
    expect(gallery.content["multipart/form-data"]!.schema.required).toBeUndefined();
    // A required multiple field: at least one file; no allowed types, no encoding.
    const scans = multipartOf(doc, "/scans").content["multipart/form-data"]!;
    expect(scans.schema.properties.photos).toMatchObject({ type: "array", minItems: 1, maxItems: 4 });
    expect(scans.schema.required).toEqual(["photos"]);
    expect(scans.encoding).toBeUndefined();
  });

  test("a named ($ref) or non-object body schema is combined with the files in an allOf", async () => {
    const Caption = z.object({ caption: z.string() }).meta({ id: "Caption" });
    const doc = await build([
      route("POST", "/named", { accepts: ["multipart"], files: [avatar], schema: { body: Caption } }),
      route("POST", "/either", {
        accepts: ["multipart"],
        files: [avatar],
        schema: { body: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) },
      }),
    ]);
    const named = multipartOf(doc, "/named").content["multipart/form-data"]!.schema;
    expect(named.allOf).toHaveLength(2);
    expect(named.allOf[0]).toEqual({ $ref: "#/components/schemas/CaptionInput" });
    expect(named.allOf[1]).toMatchObject({ type: "object", required: ["avatar"] });
    const either = multipartOf(doc, "/either").content["multipart/form-data"]!.schema;
    expect(either.allOf[0].anyOf).toHaveLength(2);
    expect(either.allOf[1].properties.avatar).toMatchObject({ format: "binary" });
  });

  test("files show only under multipart/form-data; other media types keep the body schema", async () => {
    const Note = z.object({ text: z.string() });
    const doc = await build([
      route("POST", "/notes", { accepts: ["json", "multipart"], files: [avatar], schema: { body: Note } }),
      route("POST", "/json-only", { accepts: ["json"], files: [avatar], schema: { body: Note } }),
    ]);
    const content = multipartOf(doc, "/notes").content;
    expect(content["application/json"]!.schema).toEqual({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
    expect(Object.keys(content["multipart/form-data"]!.schema.properties)).toEqual(["text", "avatar"]);
    expect(Object.keys(multipartOf(doc, "/json-only").content)).toEqual(["application/json"]);
  });
});

describe("other schema libraries", () => {
  test("valibot through openapi({ toJsonSchema }) and @valibot/to-json-schema", async () => {
    const schema = {
      body: v.object({ title: v.pipe(v.string(), v.minLength(1)) }),
      query: v.object({ page: v.optional(v.string()) }),
    };
    const doc = await build([route("POST", "/books", { schema })], {
      info,
      toJsonSchema: (s) =>
        (s as any)["~standard"]?.vendor === "valibot" ? valibotToJsonSchema(s as never) : undefined,
    });
    const op = doc.paths["/books"]!.post!;
    expect((op.requestBody as any).content["application/json"].schema).toMatchObject({
      type: "object",
      properties: { title: { type: "string", minLength: 1 } },
      required: ["title"],
    });
    expect(op.parameters).toEqual([{ name: "page", in: "query", schema: { type: "string" } }]);
  });

  test("valibot without a converter: an error that says what to pass", () => {
    expect(() =>
      buildOpenApiDocument([route("POST", "/books", { schema: { body: v.object({ a: v.string() }) } })]),
    ).toThrow(
      /POST \/books: the body schema \(a valibot schema\) has no JSON Schema: give openapi\(\{ toJsonSchema \}\)/,
    );
  });

  test("arktype through Standard JSON Schema; plain JSON Schema as it is", async () => {
    const doc = await build([
      route("POST", "/a", { schema: { body: type({ name: "string", "age?": "number" }) } }),
      route("POST", "/b", {
        schema: { body: { type: "object", properties: { n: { type: "integer" } } } as never },
      }),
    ]);
    expect((doc.paths["/a"]!.post!.requestBody as any).content["application/json"].schema).toEqual({
      type: "object",
      properties: { name: { type: "string" }, age: { type: "number" } },
      required: ["name"],
    });
    expect(
      (doc.paths["/b"]!.post!.requestBody as any).content["application/json"].schema.properties.n,
    ).toEqual({ type: "integer" });
  });
});

describe("route detail", () => {
  test("summary, description, tags, operationId, deprecated and security; hidden routes left out", async () => {
    const doc = await build(
      [
        route("GET", "/me", {
          detail: {
            summary: "Who am I",
            description: "The signed-in user.",
            tags: ["users"],
            operationId: "whoAmI",
            deprecated: true,
            security: [{ bearer: [] }],
          },
        }),
        route("GET", "/internal", { detail: { hide: true } }),
        route("GET", "/books", { detail: { tags: ["books", "users"] } }),
      ],
      {
        info,
        tags: [{ name: "books", description: "The library" }],
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      },
    );
    expect(doc.paths["/me"]!.get).toMatchObject({
      summary: "Who am I",
      description: "The signed-in user.",
      tags: ["users"],
      operationId: "whoAmI",
      deprecated: true,
      security: [{ bearer: [] }],
    });
    expect(doc.paths["/internal"]).toBeUndefined();
    expect(doc.tags).toEqual([{ name: "books", description: "The library" }, { name: "users" }]);
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: "http", scheme: "bearer" } });
  });

  test("an unknown security scheme or a duplicate operationId is an error naming the route", () => {
    expect(() =>
      buildOpenApiDocument([route("GET", "/me", { detail: { security: [{ apiKey: [] }] } })]),
    ).toThrow(/GET \/me: detail.security names "apiKey"/);
    const twice = [
      route("GET", "/a", { detail: { operationId: "same" } }),
      route("GET", "/b", { detail: { operationId: "same" } }),
    ];
    expect(() => buildOpenApiDocument(twice)).toThrow(
      /GET \/b: operationId "same" is already used by GET \/a/,
    );
  });

  test("a generated id that clashes gets a number; a route's id on two paths too", async () => {
    const doc = await build([
      route("GET", "/a-b"),
      route("GET", "/a/b"),
      route("GET", "/x/:y?", { detail: { operationId: "listX" } }),
    ]);
    expect(doc.paths["/a-b"]!.get!.operationId).toBe("getAB");
    expect(doc.paths["/a/b"]!.get!.operationId).toBe("getAB2");
    expect([doc.paths["/x"]!.get!.operationId, doc.paths["/x/{y}"]!.get!.operationId]).toEqual([
      "listX",
      "listX2",
    ]);
  });
});

describe("options", () => {
  test("info, servers and top-level security go into the document", async () => {
    const doc = await build([route("GET", "/")], {
      info: { title: "T", version: "2", description: "d" },
      servers: [{ url: "https://api.example.com" }],
      securitySchemes: { key: { type: "apiKey", in: "header", name: "x-api-key" } },
      security: [{ key: [] }],
    });
    expect(doc).toMatchObject({
      openapi: "3.1.1",
      info: { title: "T", version: "2" },
      servers: [{ url: "https://api.example.com" }],
      security: [{ key: [] }],
    });
    expect(doc.paths["/"]!.get!.operationId).toBe("getRoot");
  });

  test("bad options are a TypeError naming them", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ infos: {} }, /unknown option "infos"/],
      [{ info: { title: "x" } }, /option "info"/],
      [{ servers: ["https://x"] }, /option "servers"/],
      [{ toJsonSchema: "zod" }, /option "toJsonSchema": must be a function/],
      [{ security: [{ nope: [] }] }, /names "nope", which securitySchemes does not define/],
    ];
    for (const [options, message] of bad)
      expect(() => buildOpenApiDocument([], options as never)).toThrow(message);
  });
});

test("the validator used above refuses a broken document (the checks are real)", async () => {
  const broken = {
    openapi: "3.1.1",
    info,
    paths: { "/a/{id}": { get: { responses: { "2XX": { description: "x" } } } } },
    components: {},
  };
  await expect(expectValidOpenApi(broken)).rejects.toThrow(/id/);
  const noTitle = { openapi: "3.1.1", info: { version: "1" }, paths: {}, components: {} } as never;
  await expect(expectValidOpenApi(noTitle)).rejects.toThrow(/title/);
});

test("zod's .meta({ id }) gives shared components; the input shape of one differs and is <id>Input", async () => {
  const Author = z.object({ name: z.string() }).meta({ id: "Author" });
  const Book = z.object({ title: z.string(), author: Author }).meta({ id: "Book", description: "A book" });
  const doc = await build([
    route("GET", "/books", { schema: { response: z.object({ books: z.array(Book) }) } }),
    route("GET", "/books/:id", { schema: { response: Book } }),
    route("POST", "/books", { schema: { body: Book, response: { 201: Book } } }),
  ]);
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  expect((doc.paths["/books/{id}"]!.get!.responses as any)["200"].content["application/json"].schema).toEqual(
    ref("Book"),
  );
  expect(
    (doc.paths["/books"]!.get!.responses as any)["200"].content["application/json"].schema.properties.books
      .items,
  ).toEqual(ref("Book"));
  expect((doc.paths["/books"]!.post!.requestBody as any).content["application/json"].schema).toEqual(
    ref("BookInput"),
  );
  expect(Object.keys(doc.components.schemas!).sort()).toEqual([
    "Author",
    "AuthorInput",
    "Book",
    "BookInput",
    "ValidationProblem",
  ]);
  // The same names whatever the order of the routes.
  const reversed = buildOpenApiDocument([
    route("POST", "/books", { schema: { body: Book } }),
    route("GET", "/b", { schema: { response: Book } }),
  ]);
  expect(Object.keys(reversed.components.schemas!).sort()).toEqual([
    "Author",
    "AuthorInput",
    "Book",
    "BookInput",
    "ValidationProblem",
  ]);
  expect((doc.components.schemas!.Book as any).properties.author).toEqual(ref("Author"));
  expect((doc.components.schemas!.BookInput as any).properties.author).toEqual(ref("AuthorInput"));
});

test("include picks the routes; a response map with no 2xx status still lists a 2XX success", async () => {
  const doc = await build(
    [
      route("GET", "/"),
      route("DELETE", "/api/books/:id", { schema: { response: { 404: z.object({ code: z.string() }) } } }),
    ],
    { info, include: (r) => r.path.startsWith("/api/") },
  );
  expect(Object.keys(doc.paths)).toEqual(["/api/books/{id}"]);
  expect(Object.keys(doc.paths["/api/books/{id}"]!.delete!.responses as object)).toEqual(["404", "2XX"]);
  expect(() => buildOpenApiDocument([], { include: "/api" } as never)).toThrow(
    /option "include": must be a function/,
  );
});
