import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { z } from "zod";
import harpia, { type RouteInfo, type RouteOptions, Router } from "../index";

/** Options the types refuse, to check the run-time refusals. */
const wrong = (options: unknown) => options as RouteOptions;

const Book = z.object({ title: z.string(), pages: z.number() });
const Auth = z.object({ authorization: z.string() });
const Id = v.object({ id: v.string() });

describe("schema and detail at registration", () => {
  test("a route keeps its schemas and detail; routeTable() lists it with params", () => {
    const app = harpia();
    app.post(
      "/books/:id(\\d+)/:part?",
      {
        schema: { body: Book, params: Id, response: { 201: Book } },
        detail: { tags: ["books"], summary: "Add" },
      },
      (_req, res) => res.status(201).json({ title: "t", pages: 1 }),
    );
    app.get("/files/*", () => "file");
    const table = app.routeTable();
    expect(table).toHaveLength(2);
    const [books, files] = table as [RouteInfo, RouteInfo];
    expect(books.kind).toBe("http");
    expect(books.method).toBe("POST");
    expect(books.path).toBe("/books/:id(\\d+)/:part?");
    expect(books.params).toEqual([
      { name: "id", optional: false, pattern: "\\d+", wildcard: false },
      { name: "part", optional: true, wildcard: false },
    ]);
    expect(books.schema).toEqual({ body: Book, params: Id, response: { 201: Book } });
    expect(books.detail).toEqual({ tags: ["books"], summary: "Add" });
    expect(files.params).toEqual([{ name: "*", optional: false, wildcard: true }]);
    expect(files.schema).toBeUndefined();
    expect(files.detail).toBeUndefined();
  });

  test("methods are upper-case, app.all is ALL, WebSocket routes are GET with kind ws", () => {
    const app = harpia();
    app.all("/any", () => "x");
    app.on("propfind", "/dav", () => "x");
    app.ws("/chat/:room", {
      schema: { message: z.object({ text: z.string() }) },
      detail: { summary: "Chat" },
    });
    const table = app.routeTable();
    expect(table.map((r) => `${r.kind} ${r.method} ${r.path}`)).toEqual([
      "http ALL /any",
      "http PROPFIND /dav",
      "ws GET /chat/:room",
    ]);
    expect(table[2]!.schema).toHaveProperty("message");
    expect(table[2]!.detail).toEqual({ summary: "Chat" });
  });

  test("router schemas and detail merge into every route beneath: route entry wins, tags concatenate", () => {
    const app = harpia();
    const RouteAuth = z.object({ authorization: z.string().startsWith("Bearer ") });
    const api = Router("/api", {
      schema: { headers: Auth },
      detail: { tags: ["api"], security: [{ bearer: [] }] },
    });
    const books = new Router("/books", { detail: { tags: ["books"], deprecated: true } });
    books.get("/", { detail: { deprecated: false, tags: ["api", "list"] } }, () => []);
    books.post("/", { schema: { body: Book, headers: RouteAuth } }, () => "ok");
    api.routes(books);
    api.ws("/live", {});
    app.routes(api);
    app.get("/health", () => "ok");
    const table = app.routeTable();
    expect(table.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /health",
      "GET /api/books",
      "POST /api/books",
      "GET /api/live",
    ]);
    const [health, list, create, live] = table as RouteInfo[];
    expect(health!.schema).toBeUndefined();
    expect(list!.schema).toEqual({ headers: Auth });
    expect(list!.detail).toEqual({
      tags: ["api", "books", "list"],
      security: [{ bearer: [] }],
      deprecated: false,
    });
    expect(create!.schema).toEqual({ headers: RouteAuth, body: Book });
    expect(create!.detail).toEqual({ tags: ["api", "books"], security: [{ bearer: [] }], deprecated: true });
    expect(live!.kind).toBe("ws");
    expect(live!.schema).toEqual({ headers: Auth });
  });

  test("the table follows later registrations and is frozen", () => {
    const app = harpia();
    app.get("/a", () => "a");
    const first = app.routeTable();
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => (first as RouteInfo[]).push(first[0]!)).toThrow();
    app.get("/b", () => "b");
    expect(app.routeTable().map((r) => r.path)).toEqual(["/a", "/b"]);
    expect(app.routeTable()).toBe(app.routeTable());
  });

  test("register(list()) keeps schemas and detail", () => {
    const source = Router("/v1");
    source.post("/books", { schema: { body: Book }, detail: { tags: ["b"] } }, () => "ok");
    const app = harpia();
    app.register({ routes: source.list(), prefix: "/v1" });
    expect(app.routeTable()[0]).toMatchObject({
      path: "/v1/books",
      schema: { body: Book },
      detail: { tags: ["b"] },
    });
  });

  test("a schema that is not a Standard Schema, or an unknown part, is refused at registration", () => {
    const app = harpia();
    expect(() => app.post("/x", wrong({ schema: { body: { type: "object" } } }), () => "x")).toThrow(
      /POST \/x: schema\.body must be a Standard Schema/,
    );
    expect(() => app.post("/x", wrong({ schema: { bod: Book } }), () => "x")).toThrow(
      /POST \/x: unknown schema part "bod"/,
    );
    expect(() => app.get("/x", wrong({ schema: { response: { ok: Book } } }), () => "x")).toThrow(
      /schema\.response: "ok" is not an HTTP status/,
    );
    expect(() => app.get("/x", wrong({ schema: { response: { 200: "x" } } }), () => "x")).toThrow(
      /schema\.response\[200\] must be a Standard Schema/,
    );
    expect(() => app.get("/x", wrong({ schema: "zod" }), () => "x")).toThrow(/"schema" must be an object/);
    expect(() => app.ws("/w", wrong({ schema: { body: Book } }))).toThrow(
      /ws \/w: unknown schema part "body"/,
    );
    expect(app.routeTable()).toHaveLength(0);
  });

  test("a wrong detail is refused at registration, naming the key", () => {
    const app = harpia();
    expect(() => app.get("/x", wrong({ detail: { tags: "books" } }), () => "x")).toThrow(
      /GET \/x: detail\.tags: expected an array of strings/,
    );
    expect(() => app.get("/x", wrong({ detail: { hidden: true } }), () => "x")).toThrow(
      /unknown detail "hidden"/,
    );
    expect(() => app.get("/x", wrong({ detail: { security: [{ bearer: "x" }] } }), () => "x")).toThrow(
      /detail\.security/,
    );
    expect(() => Router("/a", { schema: { body: 1 } } as never)).toThrow(/Router\("\/a"\): schema\.body/);
    expect(() => Router("/a", { prefix: "/b" } as never)).toThrow(/unknown option "prefix"/);
  });

  test("withRouteOptions refuses schema and detail (they belong to routes and routers)", async () => {
    const { withRouteOptions } = await import("../index");
    expect(() => withRouteOptions((_req, _res, next) => next(), { schema: { body: Book } })).toThrow(
      /belong to a route or a Router/,
    );
  });
});

describe("what registration decides", () => {
  test("a body schema on a route that leaves its body unread is refused", () => {
    expect(() => harpia().post("/x", { parseBody: false, schema: { body: Book } }, () => "x")).toThrow(
      /schema\.body needs the body parsed/,
    );
  });

  test("no validation step for routes without request or response schemas", async () => {
    const { validationStep } = await import("./validate");
    const settings = { checkResponses: () => true };
    expect(validationStep(undefined, "GET /", settings)).toBeUndefined();
    expect(validationStep({}, "GET /", settings)).toBeUndefined();
    expect(validationStep({ body: Book }, "POST /", settings)).toBeFunction();
    expect(validationStep({ response: Book }, "GET /", settings)).toBeFunction();
  });
});
