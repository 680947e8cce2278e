import { describe, expect, test } from "bun:test";
import path from "node:path";
import { generateRoutes, typeNameOf } from "./emit";

const SUPPORT = path.join(import.meta.dir, "../../test/support");
const fixture = () => Bun.file(path.join(SUPPORT, "books.openapi.json")).json();

/** A document with one operation answering `schema` (200), plus components. */
function answering(schema: unknown, components: Record<string, unknown> = {}) {
  return {
    openapi: "3.1.0",
    info: { title: "T", version: "1" },
    paths: {
      "/x": {
        get: { responses: { "200": { description: "OK", content: { "application/json": { schema } } } } },
      },
    },
    components: { schemas: components },
  };
}

/** The data type of `GET /x`'s 200 in the generated source. */
const answerType = (source: string) => /Success<200, ([\s\S]*?)> \| Unexpected;/.exec(source)?.[1];

describe("generateRoutes", () => {
  test("the committed fixture output is what the generator writes (test/support/books.gen.ts)", async () => {
    const expected = await Bun.file(path.join(SUPPORT, "books.gen.ts")).text();
    expect(generateRoutes(await fixture())).toBe(expected);
  });

  test("keys are METHOD and the :param path; answers are unions per status", async () => {
    const source = generateRoutes(await fixture());
    expect(source).toContain('"GET /books/:id": {');
    expect(source).toContain("response: Success<200, Book> | Failure<404, Problem> | Unexpected<404>;");
    expect(source).toContain("response: Success<200, Book> | Failure<ErrorStatus, Problem>;");
    expect(source).toContain(
      "response: Success<204, undefined> | Failure<ClientErrorStatus, unknown> | Unexpected<ClientErrorStatus>;",
    );
    expect(source).toContain("@deprecated");
  });

  test("JSON Schema keywords become the matching types", () => {
    const schema = {
      type: "object",
      properties: {
        "a-b": { type: "string", description: "quoted key" },
        n: { type: "number", nullable: true },
        choice: { oneOf: [{ type: "string" }, { type: "integer" }] },
        pair: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false },
        lit: { const: "x" },
        any: {},
        file: { type: "string", format: "binary" },
        secret: { type: "string", writeOnly: true },
        map: { type: "object", additionalProperties: { type: "boolean" } },
      },
      required: ["a-b"],
    };
    const type = answerType(generateRoutes(answering(schema)))!;
    expect(type).toContain('/** quoted key */\n      "a-b": string;');
    expect(type).toContain("n?: number | null;");
    expect(type).toContain("choice?: string | number;");
    expect(type).toContain("pair?: [string, number];");
    expect(type).toContain('lit?: "x";');
    expect(type).toContain("any?: unknown;");
    expect(type).toContain("file?: Blob;");
    expect(type).not.toContain("secret"); // writeOnly: not in answers
    expect(type).toContain("[key: string]: boolean;");
  });

  test("readOnly members are left out of request bodies written inline", () => {
    const document = {
      openapi: "3.1.0",
      info: { title: "T", version: "1" },
      paths: {
        "/x": {
          post: {
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { id: { type: "string", readOnly: true }, name: { type: "string" } },
                  },
                },
              },
            },
            responses: { "204": { description: "done" } },
          },
        },
      },
    };
    const source = generateRoutes(document);
    expect(source).toContain("body?: {\n        name?: string;\n      };");
    expect(source).toContain("Success<204, undefined>");
  });

  test("component names become identifiers, never the client's own names", () => {
    expect(typeNameOf("book-list")).toBe("BookList");
    expect(typeNameOf("Routes")).toBe("RoutesSchema");
    expect(typeNameOf("2fa")).toBe("Schema2fa");
    const source = generateRoutes(
      answering(
        { $ref: "#/components/schemas/Node" },
        {
          Node: {
            type: "object",
            properties: { children: { type: "array", items: { $ref: "#/components/schemas/Node" } } },
          },
        },
      ),
    );
    expect(source).toContain("Success<200, Node>");
    expect(source).toContain("export type Node = {\n  children?: Node[];\n};");
  });

  test("multipart and form bodies, text answers", () => {
    const document = {
      openapi: "3.1.0",
      info: { title: "T", version: "1" },
      paths: {
        "/upload": {
          post: {
            requestBody: {
              required: true,
              content: { "multipart/form-data": { schema: { type: "object" } } },
            },
            responses: {
              "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
            },
          },
        },
      },
    };
    const source = generateRoutes(document);
    expect(source).toContain("body: Record<string, unknown> | FormData;");
    expect(source).toContain("Success<200, string>");
  });

  test("form and multipart bodies are their schema's type or the raw body; accepts lists the routes without JSON", () => {
    const fields = {
      type: "object",
      properties: { name: { type: "string" } },
      required: ["name"],
      additionalProperties: false,
    };
    const body = (...media: string[]) => ({
      requestBody: { required: true, content: Object.fromEntries(media.map((m) => [m, { schema: fields }])) },
      responses: { "204": { description: "done" } },
    });
    const document = {
      openapi: "3.1.0",
      info: { title: "T", version: "1" },
      paths: {
        "/form": { post: body("application/x-www-form-urlencoded") },
        "/upload/{id}": { put: body("multipart/form-data") },
        "/either": { post: body("application/json", "application/x-www-form-urlencoded") },
        "/note": { post: body("text/plain; charset=utf-8", "application/x-www-form-urlencoded") },
        "/raw": { post: body("application/octet-stream") },
      },
    };
    const source = generateRoutes(document);
    expect(source).toContain(
      '"POST /form": {\n    input: {\n      body: {\n        name: string;\n      } | URLSearchParams;',
    );
    // Multipart schemas list every field, files included: the body type is closed.
    expect(source).not.toContain("[field: string]: unknown");
    expect(source).toMatch(/"PUT \/upload\/:id": \{\n {4}input: \{\n(?:.*\n)*?.*\} \| FormData;/);
    expect(source).toContain(
      [
        "export const accepts: RouteAccepts = {",
        '  "POST /form": ["form"],',
        '  "PUT /upload/:id": ["multipart"],',
        '  "POST /note": ["text", "form"],',
        "};",
      ].join("\n"),
    );
    expect(source).toContain('import type { RouteAccepts, Success, Unexpected } from "@harpia/client";');
  });

  test("ranges: 2XX/4XX/5XX use the client's aliases less the statuses declared alone; 3xx are left out", () => {
    const document = answering({ type: "string" });
    const get = document.paths["/x"].get as { responses: Record<string, unknown> };
    Object.assign(get.responses, {
      "2XX": { description: "other" },
      "302": { description: "moved" },
      "404": { description: "missing" },
      "4XX": { description: "client" },
    });
    expect(generateRoutes(document)).toContain(
      "response: Success<200, string> | Success<Exclude<SuccessStatus, 200>, unknown> | Failure<404, unknown> | Failure<Exclude<ClientErrorStatus, 404>, unknown> | Unexpected<404 | Exclude<ClientErrorStatus, 404>>;",
    );
  });

  test("a document that is not OpenAPI 3, or a $ref that does not resolve, is a clear error", () => {
    expect(() => generateRoutes({ swagger: "2.0" })).toThrow(
      "Expected an OpenAPI 3.0 or 3.1 document, got openapi: undefined",
    );
    expect(() => generateRoutes([])).toThrow("must be a JSON object");
    expect(() => generateRoutes(answering({ $ref: "#/components/schemas/Missing" }))).toThrow(
      '$ref "#/components/schemas/Missing" does not resolve',
    );
    expect(() => generateRoutes(answering({ $ref: "other.json#/x" }))).toThrow("Only local $refs");
  });
});
