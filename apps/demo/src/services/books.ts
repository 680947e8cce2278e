import { HttpError, type Store } from "@harpia/core";
import { withLock } from "./lock";

/** A book of the demo's JSON API. */
export interface Book {
  id: number;
  title: string;
  author: string;
}

/** Most books kept, so the public API cannot be filled without limit. */
export const MAX_BOOKS = 1000;

const SEED: Book[] = [
  { id: 1, title: "The Pragmatic Programmer", author: "Hunt & Thomas" },
  { id: 2, title: "Structure and Interpretation of Computer Programs", author: "Abelson & Sussman" },
];

/**
 * The books, as one list in the store (`books`) changed under a lock, with ids from an atomic
 * counter: every worker of a cluster sees and changes the same library.
 */
export class BookRepository {
  constructor(private readonly store: Store) {}

  /** Puts the two sample books in an empty store (once, whichever process comes first). */
  async seed(): Promise<void> {
    await this.store.add("books", SEED);
    await this.store.add("books:seq", SEED.length);
  }

  /** Every book, or those whose title contains `query` (case-insensitive). */
  async list(query?: string): Promise<Book[]> {
    const books = (await this.store.get<Book[]>("books")) ?? [];
    const q = query?.toLowerCase();
    return q ? books.filter((book) => book.title.toLowerCase().includes(q)) : books;
  }

  /** One book, or `undefined`. */
  async find(id: number): Promise<Book | undefined> {
    return (await this.list()).find((book) => book.id === id);
  }

  /** Adds a book; a 507 when the library is full. */
  create(fields: Omit<Book, "id">): Promise<Book> {
    return withLock(this.store, "books", async () => {
      const books = await this.list();
      if (books.length >= MAX_BOOKS)
        throw new HttpError(507, "The demo library is full", { code: "LIBRARY_FULL", expose: true });
      const book = { id: await this.store.increment("books:seq"), ...fields };
      await this.store.set("books", [...books, book]);
      return book;
    });
  }

  /** Replaces a book's fields; `undefined` when there is no such book. */
  update(id: number, fields: Omit<Book, "id">): Promise<Book | undefined> {
    return withLock(this.store, "books", async () => {
      const books = await this.list();
      const index = books.findIndex((book) => book.id === id);
      if (index < 0) return undefined;
      const book = { id, ...fields };
      books[index] = book;
      await this.store.set("books", books);
      return book;
    });
  }

  /** Deletes a book; `false` when there was none. */
  delete(id: number): Promise<boolean> {
    return withLock(this.store, "books", async () => {
      const books = await this.list();
      const kept = books.filter((book) => book.id !== id);
      if (kept.length === books.length) return false;
      await this.store.set("books", kept);
      return true;
    });
  }
}
