import { HttpError, Router } from "@harpia/core";

/** A tiny in-memory book API, bounded so the demo cannot be filled without limit. */
interface Book {
  id: number;
  title: string;
  author: string;
}

const MAX_BOOKS = 1000;
const books = new Map<number, Book>([
  [1, { id: 1, title: "The Pragmatic Programmer", author: "Hunt & Thomas" }],
  [2, { id: 2, title: "Structure and Interpretation of Computer Programs", author: "Abelson & Sussman" }],
]);
let nextId = 3;

function parseBook(body: unknown): Omit<Book, "id"> {
  const input = (body ?? {}) as Record<string, unknown>;
  const title = typeof input.title === "string" ? input.title.trim() : "";
  const author = typeof input.author === "string" ? input.author.trim() : "";
  const problems = [!title && "title is required", !author && "author is required"].filter(Boolean);
  if (problems.length > 0)
    throw new HttpError(422, problems.join("; "), { code: "INVALID_BOOK", details: { problems } });
  return { title: title.slice(0, 200), author: author.slice(0, 200) };
}

/** `/api/books`: list, read, create, update and delete books (JSON). */
export const bookRoutes = Router("/api/books");

bookRoutes.get("/", (req) => {
  const q = req.query.q?.toLowerCase();
  const all = [...books.values()];
  return { books: q ? all.filter((b) => b.title.toLowerCase().includes(q)) : all };
});

bookRoutes.get("/:id(\\d+)", (req) => {
  const book = books.get(Number(req.params.id));
  if (!book) throw new HttpError(404, `Book ${req.params.id} not found`, { code: "BOOK_NOT_FOUND" });
  return book;
});

bookRoutes.post("/", { accepts: ["json", "form"] }, (req, res) => {
  if (books.size >= MAX_BOOKS)
    throw new HttpError(507, "The demo library is full", { code: "LIBRARY_FULL", expose: true });
  const book = { id: nextId++, ...parseBook(req.body) };
  books.set(book.id, book);
  res.status(201).header("location", `/api/books/${book.id}`).json(book);
});

bookRoutes.put("/:id(\\d+)", { accepts: "json" }, (req) => {
  const id = Number(req.params.id);
  if (!books.has(id)) throw new HttpError(404, `Book ${id} not found`, { code: "BOOK_NOT_FOUND" });
  const book = { id, ...parseBook(req.body) };
  books.set(id, book);
  return book;
});

bookRoutes.delete("/:id(\\d+)", (req, res) => {
  if (!books.delete(Number(req.params.id)))
    throw new HttpError(404, `Book ${req.params.id} not found`, { code: "BOOK_NOT_FOUND" });
  res.status(204).send(null);
});
