/**
 * The size in bytes of a body known before sending: UTF-8 length of a string, size of a Blob or
 * file, length of bytes; `undefined` for a stream or anything else.
 */
export function byteLength(body: unknown): number | undefined {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return undefined;
}
