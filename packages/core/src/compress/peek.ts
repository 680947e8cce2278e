/** The start of a stream of unknown length, read to decide whether it is worth compressing. */
export type Peeked =
  | { complete: true; bytes: Uint8Array<ArrayBuffer> }
  | { complete: false; stream: ReadableStream<Uint8Array> };

const encoder = new TextEncoder();

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("Response stream chunks must be bytes or strings");
}

function concat(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Reads `stream` until `threshold` bytes have arrived or it ends. A stream that ended below
 * the threshold comes back as bytes (sent as is); otherwise the bytes read are put back in
 * front of the rest, so nothing is lost and the remainder still streams.
 */
export async function peek(stream: ReadableStream, threshold: number): Promise<Peeked> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size < threshold) {
    const { done, value } = await reader.read();
    if (done) return { complete: true, bytes: concat(head, size) };
    const bytes = toBytes(value);
    head.push(bytes);
    size += bytes.byteLength;
  }
  let index = 0;
  return {
    complete: false,
    stream: new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index < head.length) {
          controller.enqueue(head[index]!);
          head[index++] = undefined as never; // let sent chunks be collected
          return;
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(toBytes(value));
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    }),
  };
}
