import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ServerHandle } from "@harpia/core";
import type { Routes } from "../test/support/books.gen";
import { booksApp } from "../test/support/books-app";
import { createClient } from "./client";
import { HttpClientError, unwrap } from "./errors";

const KEY = { "x-api-key": "secret" };

// The same behaviour over a real socket and in process (`fetch: app.fetch`).
for (const mode of ["socket", "in process"] as const) {
  describe(`createClient over ${mode}`, () => {
    const app = booksApp();
    let server: ServerHandle | undefined;
    let api: ReturnType<typeof createClient<Routes>>;
    beforeAll(() => {
      if (mode === "socket") {
        server = app.listen({ port: 0, hostname: "127.0.0.1" });
        api = createClient<Routes>({ baseUrl: `http://127.0.0.1:${server.port}` });
      } else api = createClient<Routes>({ fetch: app.fetch });
    });
    afterAll(async () => {
      await server?.stop();
    });

    test("creates, reads and deletes a book, with typed answers per status", async () => {
      const created = await api.post("/books", {
        headers: KEY,
        body: { title: "Dune", author: "Frank Herbert" },
      });
      expect(created.ok).toBe(true);
      if (!created.ok || created.status !== 201) throw new Error("not created");
      expect(created.data).toEqual({
        id: created.data.id,
        title: "Dune",
        author: "Frank Herbert",
        year: null,
      });
      const read = await api.get("/books/:id", { params: { id: created.data.id } });
      expect(read.status).toBe(200);
      expect(read.data?.title).toBe("Dune");
      const removed = await api.delete("/books/:id", { params: { id: created.data.id } });
      expect(removed).toMatchObject({ ok: true, status: 204, data: undefined });
      const gone = await api.get("/books/:id", { params: { id: created.data.id } });
      if (gone.status !== 404) throw new Error(`expected 404, got ${gone.status}`);
      expect(gone.ok).toBe(false);
      expect(gone.error).toMatchObject({ title: `Book ${created.data.id} not found`, status: 404 });
      expect(gone.response.headers.get("content-type")).toContain("application/problem+json");
    });

    test("a 422 problem document arrives parsed as the error", async () => {
      const res = await api.post("/books", { headers: KEY, body: { title: "", author: "" } });
      if (res.status !== 422) throw new Error(`expected 422, got ${res.status}`);
      expect(res.error.code).toBe("VALIDATION_FAILED");
      expect(res.error.errors.map((e) => e.path)).toEqual(["/title", "/author"]);
    });

    test("an undeclared status resolves too, with the body it had", async () => {
      const res = await api.post("/books", {
        headers: { "x-api-key": "wrong" },
        body: { title: "A", author: "B" },
      });
      expect(res.ok).toBe(false);
      expect(res.status).toBe(401);
    });

    test("query objects: arrays repeat the key, undefined is left out", async () => {
      const res = await api.get("/books", { query: { q: "dune & co", tag: ["a", "b"], limit: undefined } });
      expect(res.ok).toBe(true);
      expect(res.response.headers.get("x-query")).toBe("?q=dune+%26+co&tag=a&tag=b");
    });

    test("path parameters are encoded, text answers are strings", async () => {
      const res = await api.get("/files/:path", { params: { path: "a b/c?.txt" } });
      expect(res.ok && res.data).toBe("file a b/c?.txt");
      expect(res.response.headers.get("x-path")).toBe("/files/a%20b%2Fc%3F.txt");
    });

    test("unwrap returns the data or throws HttpClientError", async () => {
      const health = unwrap(await api.get("/health"));
      expect(health).toEqual({ status: "ok", auth: null });
      const missing = await api.get("/books/:id", { params: { id: 999 } });
      const error = (() => {
        try {
          unwrap(missing);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(HttpClientError);
      expect((error as HttpClientError).status).toBe(404);
      expect((error as HttpClientError).message).toBe("HTTP 404: Book 999 not found");
    });

    test("request() takes the route key", async () => {
      const res = await api.request("GET /health", { headers: { authorization: "Bearer t" } });
      expect(res.data).toEqual({ status: "ok", auth: "Bearer t" });
    });
  });
}

describe("client options", () => {
  const app = booksApp();

  test("headers from a function are read per request; a call's headers win", async () => {
    let n = 0;
    const api = createClient<Routes>({
      fetch: app.fetch,
      headers: () => ({ authorization: `Bearer ${++n}` }),
    });
    expect((await api.get("/health")).data).toEqual({ status: "ok", auth: "Bearer 1" });
    expect((await api.get("/health")).data).toEqual({ status: "ok", auth: "Bearer 2" });
    const own = await api.get("/health", { headers: { authorization: "Basic x" } });
    expect(own.data).toEqual({ status: "ok", auth: "Basic x" });
  });

  test("a baseUrl with a path prefixes every route", async () => {
    const seen: string[] = [];
    const api = createClient<Routes>({
      baseUrl: "https://api.example.com/v1/",
      fetch: (request) => {
        seen.push(`${request.method} ${request.url} ${request.headers.get("content-type")}`);
        return Response.json({ id: 1, title: "T", author: "A" }, { status: 201 });
      },
    });
    await api.post("/books", { headers: KEY, body: { title: "T", author: "A" } });
    expect(seen).toEqual(["POST https://api.example.com/v1/books application/json"]);
  });

  test("FormData bodies go as they are", async () => {
    let type = "";
    const api = createClient<Record<string, { input: { body: FormData }; response: never }>>({
      fetch: (request) => {
        type = request.headers.get("content-type") ?? "";
        return new Response(null, { status: 204 });
      },
    });
    const form = new FormData();
    form.set("file", new Blob(["x"]), "x.txt");
    await api.request("POST /upload", { body: form });
    expect(type).toStartWith("multipart/form-data; boundary=");
  });

  test("bad options and missing parameters are TypeErrors naming them", async () => {
    expect(() => createClient({ fetch: 42 as never })).toThrow(/the fetch option must be a function/);
    expect(() => createClient({ baseUrl: "/relative" })).toThrow(/baseUrl option must be an absolute URL/);
    expect(() => createClient({ headers: 1 as never })).toThrow(/headers option/);
    expect(() => createClient({ accepts: [] as never })).toThrow(/the accepts option must be an object/);
    expect(() => createClient({ accepts: { "POST /x": ["xml"] } as never })).toThrow(
      'createClient: accepts["POST /x"] must be an array of "json", "form", "multipart" or "text", got ["xml"]',
    );
    const api = createClient<Routes>({ fetch: app.fetch });
    await expect(api.get("/books/:id", { params: {} as never })).rejects.toThrow(
      'Missing path parameter "id" for /books/:id',
    );
    await expect(api.get("/books", { query: { q: { a: 1 } as never } })).rejects.toThrow(
      /Query parameter "q" must be/,
    );
    expect(() => (api.request as (route: string) => unknown)("nope")).toThrow(
      /expected a "METHOD \/path" route key/,
    );
  });

  test("invalid JSON is a SyntaxError naming the status", async () => {
    const api = createClient<Routes>({ fetch: app.fetch });
    const untyped = api.request as (route: string) => Promise<unknown>; // a route the document lacks
    await expect(untyped("GET /broken")).rejects.toThrow(/answered 200 with invalid JSON/);
  });
});
