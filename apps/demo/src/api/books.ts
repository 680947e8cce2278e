import { HttpError, Router } from "@harpia/core";
import { services } from "../context";
import { ApiError, Book, BookFields, BookList, BookParams, BookQuery } from "./schemas";

function notFound(id: number | string): HttpError {
  return new HttpError(404, `Book ${id} not found`, { code: "BOOK_NOT_FOUND" });
}

/**
 * `/api/books`: list, read, create, update and delete books (JSON), shared by every worker.
 * Each route declares its schemas and its `detail` (summary, operationId): core validates every
 * request with them before the handler (a 422 problem document lists every problem) and types
 * `req.params`, `req.query` and `req.body` from their output (`id` a number, fields trimmed);
 * `@harpia/openapi` documents the API from them.
 */
export function booksApi() {
  const books = Router("/api/books", { detail: { tags: ["books"] } });

  books.get(
    "/",
    {
      schema: { query: BookQuery, response: BookList },
      detail: { summary: "List the books", operationId: "listBooks" },
    },
    async (req) => ({ books: await services(req).books.list(req.query.q) }),
  );

  books.get(
    "/:id(\\d+)",
    {
      schema: { params: BookParams, response: { 200: Book, 404: ApiError } },
      detail: { summary: "Read a book", operationId: "getBook" },
    },
    async (req) => {
      const book = await services(req).books.find(req.params.id);
      if (!book) throw notFound(req.params.id);
      return book;
    },
  );

  books.post(
    "/",
    {
      accepts: "json",
      schema: { body: BookFields, response: { 201: Book, 507: ApiError } },
      detail: { summary: "Add a book", operationId: "createBook" },
    },
    async (req, res) => {
      const book = await services(req).books.create(req.body);
      await services(req).cache.delete("home");
      res.status(201).header("location", `/api/books/${book.id}`).json(book);
    },
  );

  books.put(
    "/:id(\\d+)",
    {
      accepts: "json",
      schema: { params: BookParams, body: BookFields, response: { 200: Book, 404: ApiError } },
      detail: { summary: "Replace a book's fields", operationId: "updateBook" },
    },
    async (req) => {
      const book = await services(req).books.update(req.params.id, req.body);
      if (!book) throw notFound(req.params.id);
      return book;
    },
  );

  books.delete(
    "/:id(\\d+)",
    {
      schema: { params: BookParams, response: { 404: ApiError } },
      detail: { summary: "Delete a book", operationId: "deleteBook" },
    },
    async (req, res) => {
      if (!(await services(req).books.delete(req.params.id))) throw notFound(req.params.id);
      await services(req).cache.delete("home");
      res.status(204).send(null);
    },
  );

  return books;
}
