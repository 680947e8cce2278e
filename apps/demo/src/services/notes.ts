import type { Store } from "@harpia/core";
import { withLock } from "./lock";

/** One note of a user. */
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

/** Most notes per user. */
export const MAX_NOTES = 50;
/** Longest note, in characters. */
export const MAX_NOTE_LENGTH = 500;

/** Checks a note's text: the trimmed text, or an error message. */
export function validateNote(body: unknown): { text: string; error?: string } {
  const raw = (body as Record<string, unknown> | undefined)?.text;
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") return { text, error: "Write something first" };
  if (text.length > MAX_NOTE_LENGTH) return { text, error: `At most ${MAX_NOTE_LENGTH} characters` };
  return { text };
}

/**
 * Each user's notes, newest first, as one bounded list per user (`notes:<userId>`), changed
 * under the user's lock so concurrent requests on any worker never lose a note.
 */
export class NoteRepository {
  constructor(private readonly store: Store) {}

  private key(userId: string): string {
    return `notes:${userId}`;
  }

  /** The user's notes, newest first. */
  async list(userId: string): Promise<Note[]> {
    return (await this.store.get<Note[]>(this.key(userId))) ?? [];
  }

  /** Adds a note; `"full"` when the user already has {@link MAX_NOTES}. */
  add(userId: string, text: string): Promise<Note | "full"> {
    return withLock(this.store, this.key(userId), async () => {
      const notes = await this.list(userId);
      if (notes.length >= MAX_NOTES) return "full";
      const note: Note = { id: crypto.randomUUID(), text, createdAt: new Date().toISOString() };
      await this.store.set(this.key(userId), [note, ...notes]);
      return note;
    });
  }

  /** Removes one of the user's notes; `false` when the user has no such note. */
  remove(userId: string, noteId: string): Promise<boolean> {
    return withLock(this.store, this.key(userId), async () => {
      const notes = await this.list(userId);
      const kept = notes.filter((note) => note.id !== noteId);
      if (kept.length === notes.length) return false;
      await this.store.set(this.key(userId), kept);
      return true;
    });
  }

  /** Removes every note of the user. */
  clear(userId: string): Promise<void> {
    return this.store.delete(this.key(userId));
  }
}
