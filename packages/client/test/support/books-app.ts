/**
 * A small Harpia app implementing books.openapi.json (by hand, without schemas), which the
 * client's tests call over a socket and in process.
 */
import harpia, { HttpError } from "@harpia/core";
import document from "./books.openapi.json";

interface Book {
  id: number;
  title: string;
  author: string;
  year?: number | null;
}

function problem(status: number, title: string, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, ...extra }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}

function invalid(body: unknown): Array<{ in: string; path: string; message: string }> {
  const b = (body ?? {}) as Record<string, unknown>;
  const errors: Array<{ in: string; path: string; message: string }> = [];
  if (typeof b.title !== "string" || b.title === "")
    errors.push({ in: "body", path: "/title", message: "Required" });
  if (typeof b.author !== "string" || b.author === "")
    errors.push({ in: "body", path: "/author", message: "Required" });
  return errors;
}

/** The app, with its own shelf. */
export function booksApp() {
  const app = harpia();
  const books = new Map<number, Book>();
  let next = 1;
  app.get("/openapi.json", (_req, res) => res.json(document));
  app.get("/books", (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q.toLowerCase() : "";
    const found = [...books.values()].filter((b) => b.title.toLowerCase().includes(q));
    res.header("x-query", new URL(req.url).search).json({ books: found });
  });
  app.post("/books", (req, res) => {
    if (req.headers.get("x-api-key") !== "secret") throw new HttpError(401, "Bad key");
    const errors = invalid(req.body);
    if (errors.length) return problem(422, "Invalid input", { code: "VALIDATION_FAILED", errors });
    const body = req.body as Omit<Book, "id">;
    const book = { id: next++, title: body.title, author: body.author, year: body.year ?? null };
    books.set(book.id, book);
    res.status(201).json(book);
  });
  app.get("/books/:id", (req, res) => {
    const book = books.get(Number(req.params.id));
    if (!book) return problem(404, `Book ${req.params.id} not found`, { code: "BOOK_NOT_FOUND" });
    res.json(book);
  });
  app.delete("/books/:id", (req, res) => {
    if (!books.delete(Number(req.params.id))) return problem(404, "Not found");
    res.status(204).send(null);
  });
  app.get("/files/:path", (req, res) =>
    res.header("x-path", new URL(req.url).pathname).type("text/plain").send(`file ${req.params.path}`),
  );
  app.get("/health", (req, res) => res.json({ status: "ok", auth: req.headers.get("authorization") }));
  app.get("/broken", () => new Response("{nope", { headers: { "content-type": "application/json" } }));
  return app;
}
