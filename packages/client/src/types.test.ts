/**
 * Type tests: this file is type-checked by the package's `typecheck` (tsc); each
 * `@ts-expect-error` fails the check if the line it marks compiles. The calls never run.
 */
import { expect, test } from "bun:test";
import type { Book, Problem, Routes, ValidationProblem } from "../test/support/books.gen";
import { accepts, type Routes as NoteRoutes } from "../test/support/zod-app.gen";
import { createClient } from "./client";
import { unwrap } from "./errors";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(_: T) => {};

async function typeChecks() {
  const api = createClient<Routes>({ baseUrl: "http://localhost:3000" });

  const book = await api.get("/books/:id", { params: { id: 1 } });
  if (book.ok) expectType<Equal<typeof book.data, Book>>(true);
  if (book.status === 404) expectType<Equal<typeof book.error, Problem>>(true);
  if (book.status === 500) expectType<Equal<typeof book.error, unknown>>(true);
  const title: string | undefined = book.data?.title;

  // @ts-expect-error a path parameter of the wrong type
  await api.get("/books/:id", { params: { id: "1" } });
  // @ts-expect-error a path that is not a GET route
  await api.get("/books/:idx", { params: { id: 1 } });
  // @ts-expect-error the input is required when a parameter is
  await api.get("/books/:id");
  // @ts-expect-error DELETE /books is not a route
  await api.delete("/books");

  const created = await api.post("/books", {
    headers: { "x-api-key": "k" },
    body: { title: "T", author: "A" },
  });
  if (created.status === 201) expectType<Equal<typeof created.data, Book>>(true);
  if (created.status === 422) expectType<Equal<typeof created.error, ValidationProblem>>(true);
  // @ts-expect-error a body field of the wrong type
  await api.post("/books", { headers: { "x-api-key": "k" }, body: { title: 1, author: "A" } });
  // @ts-expect-error the declared header is required
  await api.post("/books", { body: { title: "T", author: "A" } });
  const scroll = { title: "T", author: "A", format: "scroll" } as const;
  // @ts-expect-error a format outside the enum
  await api.post("/books", { headers: { "x-api-key": "k" }, body: scroll });

  // Optional input: no argument, or only the query, or per-call options.
  await api.get("/books");
  await api.get("/books", { query: { tag: ["a"], limit: 2 }, signal: AbortSignal.timeout(1000) });
  // @ts-expect-error an unknown query parameter
  await api.get("/books", { query: { page: 2 } });

  const removed = await api.delete("/books/:id", { params: { id: 1 } });
  if (removed.ok) expectType<Equal<typeof removed.data, undefined>>(true);

  const list = unwrap(await api.request("GET /books"));
  expectType<Equal<typeof list, { books: Book[] }>>(true);
  const text = unwrap(await api.get("/files/:path", { params: { path: "a.txt" } }));
  expectType<Equal<typeof text, string>>(true);

  // Form and multipart routes take their schema's type or the raw body.
  const notes = createClient<NoteRoutes>({ baseUrl: "http://localhost:3000", accepts });
  const contact = { name: "A", address: { city: "C", lines: [] }, tags: [], items: [{ sku: "s", qty: 1 }] };
  await notes.post("/contact", { body: contact });
  await notes.post("/contact", { body: new URLSearchParams({ name: "A" }) });
  // @ts-expect-error a form body missing a required field
  await notes.post("/contact", { body: { name: "A" } });
  const file = new File(["x"], "x.txt");
  await notes.post("/notes/:id/attachment", { params: { id: 1 }, body: { caption: "c", file } });
  await notes.post("/notes/:id/attachment", { params: { id: 1 }, body: new FormData() });
  // @ts-expect-error a multipart body missing its schema's field
  await notes.post("/notes/:id/attachment", { params: { id: 1 }, body: { file } });
  // @ts-expect-error a member the route does not read (the document lists the upload's field, so the type is closed)
  await notes.post("/notes/:id/attachment", { params: { id: 1 }, body: { caption: "c", file, fiel: file } });
  // @ts-expect-error accepts lists body kinds
  createClient<NoteRoutes>({ accepts: { "POST /contact": ["xml"] } });
  return title;
}

test("the type tests are compiled by tsc (typecheck), not run", () => {
  expect(typeof typeChecks).toBe("function");
});
