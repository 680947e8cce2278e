/**
 * Reading a `text/event-stream` body the way `EventSource` does, for tests: events (with their
 * type, id, data lines joined by `\n`, retry) and comments, in the order they arrived.
 */

/** One parsed block of the stream. */
export interface ReadEvent {
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
  comments: string[];
}

/** Reads events from a response body as they arrive. */
export class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  /** A read still pending from a call that timed out: the next call takes its chunk. */
  #pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]> | undefined;
  /** Everything received so far, as text. */
  raw = "";

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /**
   * The next block (an event or comments), or `undefined` when the stream ended. Rejects when
   * nothing arrives within `timeoutMs`.
   */
  async next(timeoutMs = 3000): Promise<ReadEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end !== -1) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(block);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms (got ${JSON.stringify(this.raw)})`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.#pending ??= this.#reader.read();
      const chunk = await Promise.race([
        this.#pending,
        new Promise<"late">((resolve) => {
          timer = setTimeout(() => resolve("late"), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk === "late") continue;
      this.#pending = undefined;
      if (chunk.done) return undefined;
      const text = this.#decoder.decode(chunk.value, { stream: true });
      this.raw += text;
      this.#buffer += text;
    }
  }

  /** The next block that is an event (comments skipped). */
  async nextEvent(timeoutMs = 3000): Promise<ReadEvent | undefined> {
    for (;;) {
      const block = await this.next(timeoutMs);
      if (block === undefined || block.comments.length === 0 || block.data !== "" || block.id !== undefined)
        return block;
    }
  }

  /** Stops reading (the client goes away). */
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

function parseBlock(block: string): ReadEvent {
  const out: ReadEvent = { event: "message", data: "", id: undefined, retry: undefined, comments: [] };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      out.comments.push(line.slice(1).trimStart());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") out.event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") out.id = value;
    else if (field === "retry") out.retry = Number(value);
  }
  out.data = data.join("\n");
  return out;
}
