/**
 * Any iterable of chunks (an async generator, a database cursor, an array) as a response body:
 * a pull-based `ReadableStream` that asks the iterator for the next chunk only when the client
 * has taken the previous ones, so a slow client slows the producer down instead of filling
 * memory, and a client that goes away ends the iterator (its `finally` runs).
 */

/** One chunk of a streamed body: text (sent as UTF-8) or bytes. */
export type StreamChunk = string | Uint8Array | ArrayBuffer;

/** What `res.stream()` (and `res.send()`) stream: an async or a plain iterable of chunks. */
export type ChunkSource = AsyncIterable<StreamChunk> | Iterable<StreamChunk>;

/** Options of `res.stream()`. */
export interface StreamOptions {
  /**
   * How many chunks may be produced ahead of what the client has read (default 0: each chunk is
   * asked for when the client wants it, and nothing is produced before the response is read).
   */
  highWaterMark?: number;
}

const encoder = new TextEncoder();

function toBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(
    `A streamed body's chunks must be strings, Uint8Arrays or ArrayBuffers, got ${chunk === null ? "null" : typeof chunk}`,
  );
}

/** Whether a value can be streamed by {@link iterableStream} (and is not a string or a stream). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  );
}

/** Whether `res.stream()` can stream a value: an async or a plain iterable object. */
export function isChunkSource(value: unknown): value is ChunkSource {
  return (
    isAsyncIterable(value) ||
    (value !== null &&
      typeof value === "object" &&
      typeof (value as Iterable<unknown>)[Symbol.iterator] === "function")
  );
}

function open(source: ChunkSource): AsyncIterator<StreamChunk> | Iterator<StreamChunk> {
  return isAsyncIterable(source) ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

/** Checks `res.stream()`'s options. */
export function checkStreamOptions(options: StreamOptions | undefined): number {
  const highWaterMark = options?.highWaterMark ?? 0;
  if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0)
    throw new TypeError(
      `res.stream(): highWaterMark must be a whole number of chunks (0 or more), got ${String(highWaterMark)}`,
    );
  return highWaterMark;
}

/**
 * A `ReadableStream` of the source's chunks, pulled one at a time. An error from the iterator
 * (or a chunk of the wrong type) is handed to `onError` and errors the stream (the client sees
 * the connection cut: the head was sent already). Cancelling the stream (the client went away)
 * calls the iterator's `return()`, so a generator's `finally` runs.
 */
export function iterableStream(
  source: ChunkSource,
  highWaterMark = 0,
  onError?: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<StreamChunk> | Iterator<StreamChunk> | undefined;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          iterator ??= open(source);
          for (;;) {
            const step = await iterator.next();
            // The client went away while the chunk was being made: nobody wants it.
            if (cancelled) return;
            if (step.done) {
              controller.close();
              return;
            }
            const bytes = toBytes(step.value);
            // An empty chunk says nothing; ask for the next one instead.
            if (bytes.byteLength === 0) continue;
            controller.enqueue(bytes);
            return;
          }
        } catch (error) {
          onError?.(error);
          // A chunk of the wrong type leaves a generator suspended: end it (its `finally` runs).
          // One that threw is finished already, and `return()` does nothing.
          Promise.resolve(iterator?.return?.()).catch(() => {});
          throw error;
        }
      },
      async cancel(reason) {
        cancelled = true;
        try {
          await iterator?.return?.(reason);
        } catch (error) {
          onError?.(error);
        }
      },
    },
    { highWaterMark },
  );
}
