import { Session } from "./session";
import type { SessionData, SessionOptions } from "./types";

/**
 * The seed's store-only session API (`createSession`, `getSession`, `deleteSession`), for code
 * that keeps the id itself (tokens, WebSockets, jobs). Same storage as {@link Session}: a
 * `SessionManager` and a `Session` with the same store and prefix see the same sessions.
 *
 * @example
 * const sessionManager = new SessionManager({ store: new MemoryStore() });
 * const sessionId = await sessionManager.createSession({ userId: 1, username: "Alice" });
 * await sessionManager.getSession(sessionId); // { userId: 1, username: "Alice" }
 * await sessionManager.deleteSession(sessionId);
 */
export class SessionManager<Data extends object = SessionData> {
  /** The underlying {@link Session}: its cookie helpers, and a plugin (`app.use(manager.session)`). */
  readonly session: Session<Data>;

  constructor(options: SessionOptions = {}) {
    this.session = new Session<Data>(options);
  }

  /** Stores `data` as a new session; returns its id. */
  createSession(data: Data): Promise<string> {
    return this.session.create(data);
  }

  /** A session's data, or `undefined` when it does not exist or expired. */
  getSession(sessionId: string): Promise<Data | undefined> {
    return this.session.get(sessionId);
  }

  /** Merges `data` into a session; `false` when it does not exist. */
  updateSession(sessionId: string, data: Partial<Data>): Promise<boolean> {
    return this.session.update(sessionId, data);
  }

  /** Deletes a session (no error when absent). */
  deleteSession(sessionId: string): Promise<void> {
    return this.session.delete(sessionId);
  }
}
