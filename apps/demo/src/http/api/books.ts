import { type HarpiaResponse, HttpError, withRouteOptions } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";
import { parseBook } from "../../services/books";

/** Declares that a route takes JSON bodies only (anything else is a 415), read at registration. */
const jsonBody = withRouteOptions((_req, _res, next) => next(), { accepts: "json" });

function bookId(req: FileRequest): number {
  return Number(req.params.id);
}

function notFound(id: number | string): HttpError {
  return new HttpError(404, `Book ${id} not found`, { code: "BOOK_NOT_FOUND" });
}

/** `/api/books`: list, read, create, update and delete books (JSON), shared by every worker. */
export default class BooksApi {
  routes = {
    "get /api/books": "list",
    "get /api/books/:id(\\d+)": "show",
    "post /api/books": "create",
    "put /api/books/:id(\\d+)": "update",
    "delete /api/books/:id(\\d+)": "remove",
  };

  middleware = {
    create: [jsonBody],
    update: [jsonBody],
  };

  async list(req: FileRequest) {
    return { books: await services(req).books.list(req.query.q) };
  }

  async show(req: FileRequest) {
    const book = await services(req).books.find(bookId(req));
    if (!book) throw notFound(req.params.id!);
    return book;
  }

  async create(req: FileRequest, res: HarpiaResponse) {
    const book = await services(req).books.create(parseBook(req.body));
    await services(req).cache.delete("home");
    res.status(201).header("location", `/api/books/${book.id}`).json(book);
  }

  async update(req: FileRequest) {
    const book = await services(req).books.update(bookId(req), parseBook(req.body));
    if (!book) throw notFound(bookId(req));
    return book;
  }

  async remove(req: FileRequest, res: HarpiaResponse) {
    if (!(await services(req).books.delete(bookId(req)))) throw notFound(bookId(req));
    await services(req).cache.delete("home");
    res.status(204).send(null);
  }
}
