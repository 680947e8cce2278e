/**
 * Response compression: gzip, Brotli and Zstandard, chosen by `Accept-Encoding`. Bodies in
 * memory are compressed in one go; files and streams are compressed as streams, so a large
 * `Bun.file` is never read into memory.
 */

import type { HarpiaRequest } from "../request";
import type { HarpiaResponse, ResponseBody } from "../response";
import { BODY, CONTENT_TYPE, RETURNED } from "../symbols";
import type { Middleware } from "../types";
import { mergeVary, vary } from "../utils/vary";
import { isCompressible, isEventStream } from "./compressible";
import { type CompressionLevels, createEncoders, type Encoder } from "./encoders";
import { createNegotiator, ENCODINGS, type Encoding } from "./negotiate";
import { peek } from "./peek";

/** Options of {@link compress}. */
export interface CompressOptions {
  /**
   * Smallest body compressed, in bytes (default 1024); smaller ones gain nothing. A stream of
   * unknown length is read up to this size first, and sent as is if it ends before.
   */
  threshold?: number;
  /** Codings offered, in order of preference when the client likes several equally (default `["zstd", "br", "gzip"]`). */
  encodings?: readonly Encoding[];
  /** Compression levels per coding. */
  level?: CompressionLevels;
  /**
   * Decides whether a response is compressed, from its `Content-Type` (default: text, JSON,
   * JavaScript, XML, SVG, WebAssembly, fonts). `text/event-stream` is never compressed.
   */
  filter?: (contentType: string, req: HarpiaRequest<any>, res: HarpiaResponse) => boolean;
}

/** Bodies up to this size are compressed in one call; larger ones stream, keeping memory flat. */
const ONE_SHOT_LIMIT = 1024 * 1024;

const encoder = new TextEncoder();

type Body = ResponseBody | null;

/** The body's size when it is known without reading it. */
function knownSize(body: Body): number | undefined {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return undefined;
}

function asBytes(body: Body): Uint8Array | undefined {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/** The compressed body, or `undefined` for a kind of body that cannot be compressed here. */
function encode(body: Body, coder: Encoder): ResponseBody | undefined {
  const size = knownSize(body);
  if (size !== undefined && size <= ONE_SHOT_LIMIT) {
    const bytes = asBytes(body);
    if (bytes !== undefined) return coder.bytes(bytes) as Uint8Array<ArrayBuffer>;
  }
  if (body instanceof Blob) return body.stream().pipeThrough(coder.stream());
  if (body instanceof ReadableStream) return (body as ReadableStream<Uint8Array>).pipeThrough(coder.stream());
  const bytes = asBytes(body);
  if (bytes !== undefined)
    return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(coder.stream());
  return undefined;
}

/** A strong validator no longer matches the bytes sent; a weak one still names the same content. */
function weakenEtag(headers: Headers): void {
  const etag = headers.get("etag");
  if (etag?.startsWith('"')) headers.set("etag", `W/${etag}`);
}

function statusAllowsBody(status: number): boolean {
  // 206: Content-Range counts bytes of the unencoded file; 204/304 and 1xx carry no body.
  return status >= 200 && status !== 204 && status !== 206 && status !== 304;
}

function declaredLength(headers: Headers): number | undefined {
  const value = headers.get("content-length");
  if (value === null) return undefined;
  const length = Number(value);
  return Number.isFinite(length) ? length : undefined;
}

function noTransform(headers: Headers): boolean {
  const value = headers.get("cache-control");
  return value !== null && /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(value);
}

/**
 * Compresses responses with zstd, Brotli or gzip, whichever the client's `Accept-Encoding`
 * prefers (ties go to `encodings` order). Skipped for HEAD, 204/206/304, bodies under
 * `threshold`, types that do not compress, `text/event-stream`, responses that already have a
 * `Content-Encoding`, and `Cache-Control: no-transform`. Adds `Vary: Accept-Encoding`, drops
 * `Content-Length` (the length changes) and turns a strong `ETag` weak.
 *
 * Register it before the middleware whose responses it should compress; it works on what
 * they leave on `res` (including static files and `Response` objects handlers return).
 *
 * @example
 * app.use(compress());
 * app.use(compress({ threshold: 2048, encodings: ["br", "gzip"], level: { br: 5 } }));
 */
export function compress(options: CompressOptions = {}): Middleware {
  const threshold = options.threshold ?? 1024;
  if (!(Number.isFinite(threshold) && threshold >= 0))
    throw new RangeError(`compress threshold must be a non-negative number of bytes, got ${threshold}`);
  const offered = [...(options.encodings ?? ENCODINGS)];
  if (offered.length === 0) throw new TypeError("compress encodings: offer at least one coding");
  for (const encoding of offered) {
    if (!ENCODINGS.includes(encoding))
      throw new TypeError(`compress encodings: "${encoding}" is not one of ${ENCODINGS.join(", ")}`);
  }
  const encoders = createEncoders(options.level);
  const negotiate = createNegotiator(offered);
  const filter = options.filter;

  const compressible = (type: string, req: HarpiaRequest<any>, res: HarpiaResponse) =>
    type !== "" && !isEventStream(type) && (filter ? filter(type, req, res) : isCompressible(type));

  /** A handler returned a whole `Response`: compress its body into a new one. */
  async function compressReturned(req: HarpiaRequest<any>, res: HarpiaResponse, response: Response) {
    if (response.body === null || response.bodyUsed || !statusAllowsBody(response.status)) return;
    const source = response.headers;
    if (source.has("content-encoding") || res.headers.has("content-encoding")) return;
    const type = source.get("content-type") ?? res.headers.get("content-type") ?? res[CONTENT_TYPE] ?? "";
    if (!compressible(type, req, res)) return;
    const headers = new Headers(source);
    const rebuild = (body: ResponseBody) => {
      headers.set("vary", mergeVary(headers.get("vary"), "Accept-Encoding"));
      res[RETURNED] = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    };
    if (req.method === "HEAD" || noTransform(source)) return;
    const size = declaredLength(source);
    if (size !== undefined && size < threshold) return;
    let stream = response.body as ReadableStream<Uint8Array>;
    const encoding = negotiate(req.headers.get("accept-encoding"));
    if (encoding === undefined) {
      rebuild(stream); // same body, now with `Vary: Accept-Encoding`
      return;
    }
    if (size === undefined && threshold > 0) {
      const peeked = await peek(stream, threshold);
      if (peeked.complete) {
        rebuild(peeked.bytes);
        return;
      }
      stream = peeked.stream;
    }
    headers.set("content-encoding", encoding);
    headers.delete("content-length");
    weakenEtag(headers);
    rebuild(stream.pipeThrough(encoders[encoding].stream()));
  }

  return async (req, res, next) => {
    await next();
    if (!statusAllowsBody(res.statusCode)) return;
    if (res[RETURNED] !== undefined) return compressReturned(req, res, res[RETURNED]);
    let body: Body = res[BODY];
    if (body === null) return;
    const headers = res.headers;
    if (headers.has("content-encoding")) return;
    const type = headers.get("content-type") ?? res[CONTENT_TYPE] ?? "";
    if (!compressible(type, req, res)) return;
    vary(res, "Accept-Encoding");
    if (req.method === "HEAD" || noTransform(headers)) return;
    const size = knownSize(body) ?? declaredLength(headers);
    if (size !== undefined && size < threshold) return;
    const encoding = negotiate(req.headers.get("accept-encoding"));
    if (encoding === undefined) return;
    if (size === undefined && body instanceof ReadableStream && threshold > 0) {
      const peeked = await peek(body, threshold);
      if (peeked.complete) {
        res[BODY] = peeked.bytes;
        return;
      }
      body = peeked.stream;
    }
    const encoded = encode(body, encoders[encoding]);
    if (encoded === undefined) return;
    res[BODY] = encoded;
    headers.set("content-encoding", encoding);
    headers.delete("content-length");
    weakenEtag(headers);
  };
}
