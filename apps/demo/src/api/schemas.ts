/**
 * The books API's schemas (zod 4): core validates requests with them before the handlers run,
 * types `req.params`, `req.query` and `req.body` from them, and `@harpia/openapi` documents the
 * API from them (`/openapi.json`, `/docs`). `.meta({ id })` names the shared ones in the document.
 */
import { z } from "zod";

/** Longest title or author name kept. */
export const MAX_FIELD = 200;

/** A book of the demo's JSON API. */
export const Book = z
  .object({
    id: z.number().int().positive(),
    title: z.string(),
    author: z.string(),
  })
  .meta({ id: "Book", description: "A book of the demo library." });

/** The fields a client sends to create or replace a book (trimmed, 1 to 200 characters). */
export const BookFields = z
  .object({
    title: z.string().trim().min(1, "title is required").max(MAX_FIELD),
    author: z.string().trim().min(1, "author is required").max(MAX_FIELD),
  })
  .meta({ id: "BookFields", description: "A book's fields, as a client sends them." });

/** `GET /api/books?q=`: an optional, case-insensitive part of the title. */
export const BookQuery = z.object({
  q: z.string().max(MAX_FIELD).optional().meta({ description: "Part of the title (case-insensitive)." }),
});

/** `:id` of `/api/books/:id(\d+)`, as a number. */
export const BookParams = z.object({ id: z.coerce.number().int().positive() });

/** The list of books. */
export const BookList = z.object({ books: z.array(Book) });

/** An error answer, an RFC 9457 problem document (`code` says which: `BOOK_NOT_FOUND`...). */
export const ApiError = z
  .looseObject({
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
  })
  .meta({ id: "ApiError", description: "An error: its status, a stable code and what happened." });

export type Book = z.infer<typeof Book>;
export type BookFields = z.infer<typeof BookFields>;
