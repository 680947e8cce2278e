/**
 * `res.sse()`: a server-sent event stream as a response body. The producer runs once the client
 * starts reading (never for a response that is not sent, such as a HEAD), writes events through
 * the {@link SseStream} it is given, and the stream ends when it returns, when the client goes
 * away or when the app closes. From then on `stream.signal` is aborted, the heartbeat is
 * stopped and writes do nothing.
 */
import type { OpenStreams } from "./open-streams";
import { type CheckedSseOptions, formatComment, formatEvent, type SseMessage } from "./sse-format";

/** The stream a `res.sse()` producer writes to. */
export interface SseStream {
  /**
   * Aborted when the stream ends: the client went away (or stopped reading), the producer
   * returned, `close()` was called or the app is closing. Check it in loops and hand it to what
   * the producer waits on, so no work continues for a client that is gone.
   */
  readonly signal: AbortSignal;
  /**
   * The `Last-Event-ID` the client sent when reconnecting (the `id` of the last event it
   * received), to resume from; `undefined` on a first connection.
   */
  readonly lastEventId: string | undefined;
  /** Resolves when the stream has ended, whatever ended it (for producers that subscribe and wait). */
  readonly closed: Promise<void>;
  /**
   * Sends one event (a string is `{ data: string }`). Resolves with `true` once the client has
   * room for more (await it, so a slow client slows the producer down), `false` when the stream
   * has ended (the event was not sent). Throws a `TypeError` for a malformed event.
   */
  send(message: SseMessage | string): Promise<boolean>;
  /** Sends a comment line (ignored by `EventSource`); resolves like {@link send}. */
  comment(text: string): Promise<boolean>;
  /** Ends the stream after what was sent so far (the client reconnects unless told otherwise). */
  close(): void;
}

/** A `res.sse()` producer: writes to the stream; the stream ends when it returns (or rejects). */
export type SseProducer = (stream: SseStream) => unknown;

/** What an event stream needs from the request and the app. */
export interface EventStreamContext {
  lastEventId: string | undefined;
  /** Aborted when the client goes away (the request's own signal). */
  clientSignal: AbortSignal | undefined;
  /** Where a failing producer is reported. */
  report: ((error: unknown) => void) | undefined;
  /** The app's open streams, ended by `app.close()`. */
  streams: OpenStreams | undefined;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": ping\n\n");
/** The first bytes: they make the server send the head at once (`EventSource` opens). */
const OPENING = encoder.encode(": open\n\n");
/** Bytes queued for the client up to which `send()` resolves at once. */
const ROOM = 64 * 1024;

const gone = () => new DOMException("The client went away", "AbortError");
const closedByServer = () => new DOMException("The event stream was closed", "AbortError");

/** One open event stream (the `SseStream` its producer writes to). */
class EventStream implements SseStream {
  readonly signal: AbortSignal;
  readonly lastEventId: string | undefined;
  readonly closed: Promise<void>;
  readonly #abort = new AbortController();
  readonly #controller: ReadableStreamDefaultController<Uint8Array>;
  readonly #options: CheckedSseOptions;
  readonly #context: EventStreamContext;
  /** Written and not yet handed to the client (who takes it on its next read). */
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** A read waiting for something to be written. */
  #reading: (() => void) | undefined;
  /** Writers waiting for the client to catch up. */
  #waiting: ((room: boolean) => void)[] = [];
  /** The producer is done (or `close()` was called): the body ends once the buffer is read. */
  #closing = false;
  #ended = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Whether anything was written since the last heartbeat tick. */
  #wrote = false;
  #untrack: (() => void) | undefined;
  #onClientGone: (() => void) | undefined;
  #resolveClosed!: () => void;

  constructor(
    controller: ReadableStreamDefaultController<Uint8Array>,
    options: CheckedSseOptions,
    context: EventStreamContext,
  ) {
    this.#controller = controller;
    this.#options = options;
    this.#context = context;
    this.signal = this.#abort.signal;
    this.lastEventId = context.lastEventId;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** Opens the stream and runs the producer; the stream ends when the producer settles. */
  start(producer: SseProducer): void {
    const { retry, heartbeat } = this.#options;
    this.#write(retry === undefined ? OPENING : encoder.encode(`retry: ${retry}\n\n`));
    const client = this.#context.clientSignal;
    if (client !== undefined) {
      if (client.aborted) {
        this.end(client.reason ?? gone());
        return;
      }
      this.#onClientGone = () => this.end(client.reason ?? gone());
      client.addEventListener("abort", this.#onClientGone, { once: true });
    }
    this.#untrack = this.#context.streams?.add(() => this.close());
    if (this.#ended) return;
    if (heartbeat !== undefined) {
      this.#heartbeat = setInterval(() => {
        // Only after a whole interval without writes; and a client that is behind has data
        // coming anyway (no pings pile up for it).
        if (!this.#wrote && this.#buffered === 0) this.#write(HEARTBEAT);
        this.#wrote = false;
      }, heartbeat);
      this.#heartbeat.unref?.();
    }
    Promise.resolve()
      .then(() => producer(this))
      .then(
        () => this.close(),
        (error) => {
          this.#context.report?.(error);
          this.close();
        },
      );
  }

  send(message: SseMessage | string): Promise<boolean> {
    return this.#write(encoder.encode(formatEvent(message)));
  }

  comment(text: string): Promise<boolean> {
    return this.#write(encoder.encode(formatComment(text)));
  }

  close(): void {
    if (this.#ended) return;
    this.#closing = true;
    if (this.#reading !== undefined) this.#deliver();
    this.end(closedByServer());
  }

  /**
   * The client wants more: hands it everything written so far (one chunk), or waits for the
   * next write. Writers waiting for room go on.
   */
  pull(): Promise<void> | undefined {
    if (this.#buffered > 0 || this.#closing || this.#ended) {
      this.#deliver();
      return undefined;
    }
    return new Promise((resolve) => {
      this.#reading = resolve;
    });
  }

  /** Ends the stream for `reason`: signal aborted, heartbeat stopped, writers released. */
  end(reason: unknown, error = false): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#closing) {
      // Nobody will read what is buffered (closing, it is still handed over on the next read).
      this.#chunks = [];
      this.#buffered = 0;
    }
    if (error) {
      try {
        this.#controller.error(reason);
      } catch {
        // Closed already.
      }
    }
    clearInterval(this.#heartbeat);
    if (this.#onClientGone !== undefined)
      this.#context.clientSignal?.removeEventListener("abort", this.#onClientGone);
    this.#untrack?.();
    this.#release(false);
    this.#resume();
    this.#abort.abort(reason);
    this.#resolveClosed();
  }

  /** Moves what is buffered to the client's read; closes the body once the stream is done. */
  #deliver(): void {
    const chunks = this.#chunks;
    if (chunks.length > 0) {
      this.#controller.enqueue(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      this.#chunks = [];
      this.#buffered = 0;
      this.#release(true);
    }
    if (this.#closing) {
      try {
        this.#controller.close();
      } catch {
        // Errored or closed already.
      }
    }
    this.#resume();
  }

  /** Lets a pending read return (it found data, or the stream ended). */
  #resume(): void {
    const reading = this.#reading;
    this.#reading = undefined;
    reading?.();
  }

  #release(room: boolean): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resume of waiting) resume(room);
  }

  #write(bytes: Uint8Array): Promise<boolean> {
    if (this.#ended || this.#closing) return Promise.resolve(false);
    this.#chunks.push(bytes);
    this.#buffered += bytes.byteLength;
    this.#wrote = true;
    if (this.#reading !== undefined) {
      this.#deliver();
      return Promise.resolve(true);
    }
    if (this.#buffered > this.#options.bufferLimit) {
      this.end(new DOMException("The client is not reading the event stream", "AbortError"), true);
      return Promise.resolve(false);
    }
    if (this.#buffered <= ROOM) return Promise.resolve(true);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/**
 * The body of a `res.sse()` response: a stream pulled by the client, whose producer starts on
 * the client's first read. What the producer writes is buffered until the client reads it, so
 * `send()` can make the producer wait for a slow client.
 */
export function eventStreamBody(
  producer: SseProducer,
  options: CheckedSseOptions,
  context: EventStreamContext,
): ReadableStream<Uint8Array> {
  let stream: EventStream | undefined;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (stream === undefined) {
          stream = new EventStream(controller, options, context);
          stream.start(producer);
        }
        return stream.pull();
      },
      cancel(reason) {
        stream?.end(reason ?? gone());
      },
    },
    { highWaterMark: 0 },
  );
}
