/**
 * The demo's books API through the typed client (`@harpia/client`), in process: the routes come
 * from src/api/routes.gen.ts, generated from the demo's own /openapi.json, and a test here fails
 * when that file is stale (regenerate with `bun run --cwd apps/demo client:routes`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Client, createClient, HttpClientError, unwrap } from "@harpia/client";
import type { Routes } from "../src/api/routes.gen";
import { generateClientRoutes } from "./support/client-routes";
import { startDemo } from "./support/demo";

describe("the typed client on the demo's books API", () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let api: Client<Routes>;
  beforeAll(async () => {
    demo = await startDemo();
    api = createClient<Routes>({ fetch: demo.app.fetch });
  });
  afterAll(() => demo.cleanup());

  test("src/api/routes.gen.ts is fresh (what the generator writes from the demo's document)", async () => {
    const { state } = await generateClientRoutes(true);
    expect(state).toBe("fresh");
  });

  test("create, read, list, replace and delete a book", async () => {
    const created = await api.post("/api/books", { body: { title: "Dune", author: "Frank Herbert" } });
    if (created.status !== 201) throw new Error(`expected 201, got ${created.status}`);
    const book = created.data; // Book
    expect(book).toEqual({ id: book.id, title: "Dune", author: "Frank Herbert" });
    expect(created.response.headers.get("location")).toBe(`/api/books/${book.id}`);

    const read = await api.get("/api/books/:id", { params: { id: book.id } });
    expect(read.ok && read.data).toEqual(book);

    const replaced = unwrap(
      await api.put("/api/books/:id", {
        params: { id: book.id },
        body: { title: "Dune Messiah", author: "Frank Herbert" },
      }),
    );
    expect(replaced.title).toBe("Dune Messiah");

    const found = await api.get("/api/books", { query: { q: "messiah" } });
    expect(found.data?.books).toEqual([replaced]);

    const removed = await api.delete("/api/books/:id", { params: { id: book.id } });
    expect(removed).toMatchObject({ ok: true, status: 204, data: undefined });
  });

  test("errors arrive typed by status: 404 ApiError, 422 problem document", async () => {
    const missing = await api.get("/api/books/:id", { params: { id: 999_999 } });
    if (missing.status !== 404) throw new Error(`expected 404, got ${missing.status}`);
    expect(missing.error.code).toBe("BOOK_NOT_FOUND");
    expect(() => unwrap(missing)).toThrow(HttpClientError);

    const invalid = await api.post("/api/books", { body: { title: "", author: "" } });
    if (invalid.status !== 422) throw new Error(`expected 422, got ${invalid.status}`);
    expect(invalid.response.headers.get("content-type")).toStartWith("application/problem+json");
    expect(invalid.error.code).toBe("VALIDATION_FAILED"); // ValidationProblem
    expect(invalid.error.errors.map((issue) => `${issue.in} ${issue.path}`)).toEqual([
      "body /title",
      "body /author",
    ]);
  });
});
