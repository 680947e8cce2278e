/**
 * The event streams an app has open, so that `app.close()` can end them: like WebSockets, they
 * would otherwise hold the drain open for as long as their clients like.
 */

/** Ends one open stream. */
export type StreamCloser = () => void;

/** The open event streams of one app. */
export class OpenStreams {
  readonly #open = new Set<StreamCloser>();
  #closing = false;

  /**
   * Tracks an open stream until the returned function is called (when it ends). While the app
   * is closing, a new stream is ended at once.
   */
  add(close: StreamCloser): () => void {
    if (this.#closing) {
      close();
      return () => {};
    }
    this.#open.add(close);
    return () => {
      this.#open.delete(close);
    };
  }

  /** How many are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Ends every open stream, and any opened from now on (`app.close()`). */
  closeAll(): void {
    this.#closing = true;
    for (const close of [...this.#open]) close();
    this.#open.clear();
  }
}
