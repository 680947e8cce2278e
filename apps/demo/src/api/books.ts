import { HttpError, Router } from "@harpia/core";
import { services } from "../context";
import { parseBook } from "../services/books";
import { ApiError, Book, BookFields, BookList, BookParams, BookQuery } from "./schemas";

function notFound(id: number | string): HttpError {
  return new HttpError(404, `Book ${id} not found`, { code: "BOOK_NOT_FOUND" });
}

/**
 * `/api/books`: list, read, create, update and delete books (JSON), shared by every worker.
 * Each route declares its schemas (validation, types, the OpenAPI document) and its `detail`
 * (summary and operationId, the method names of the typed client).
 */
export function booksApi() {
  const books = Router("/api/books", { detail: { tags: ["books"] } });

  books.get(
    "/",
    {
      schema: { query: BookQuery, response: BookList },
      detail: { summary: "List the books", operationId: "listBooks" },
    },
    async (req) => ({ books: await services(req).books.list(req.query.q as string | undefined) }),
  );

  books.get(
    "/:id(\\d+)",
    {
      schema: { params: BookParams, response: { 200: Book, 404: ApiError } },
      detail: { summary: "Read a book", operationId: "getBook" },
    },
    async (req) => {
      const book = await services(req).books.find(Number(req.params.id));
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
      const book = await services(req).books.create(parseBook(req.body));
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
      const id = Number(req.params.id);
      const book = await services(req).books.update(id, parseBook(req.body));
      if (!book) throw notFound(id);
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
      const id = Number(req.params.id);
      if (!(await services(req).books.delete(id))) throw notFound(id);
      await services(req).cache.delete("home");
      res.status(204).send(null);
    },
  );

  return books;
}
