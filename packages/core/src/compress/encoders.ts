/**
 * The encoders behind `compress()`: one-shot for bodies already in memory (Bun's native
 * `gzipSync`/`zstdCompressSync`, zlib's brotli), streaming for files and streams (the native
 * `CompressionStream` for gzip and zstd, zlib's brotli stream, whose quality can be set:
 * `CompressionStream("brotli")` uses quality 11, far too slow to run per response).
 */
import zlib from "node:zlib";
import type { Encoding } from "./negotiate";

/** Compression levels per coding. */
export interface CompressionLevels {
  /** gzip level 1–9 (default: zlib's 6). */
  gzip?: number;
  /** Brotli quality 0–11 (default 4: about gzip's size at gzip's speed; 11 is for precompression). */
  br?: number;
  /** Zstandard level 1–19 (default 3). */
  zstd?: number;
}

/** Compresses a body in one go or as a stream. */
export interface Encoder {
  /** Compresses bytes already in memory. */
  bytes(data: Uint8Array): Uint8Array;
  /** A transform that compresses a stream chunk by chunk. */
  stream(): TransformStream<Uint8Array, Uint8Array>;
}

const LIMITS: Record<Encoding, [number, number]> = { gzip: [1, 9], br: [0, 11], zstd: [1, 19] };

function checkLevel(encoding: Encoding, level: number | undefined): number | undefined {
  if (level === undefined) return undefined;
  const [min, max] = LIMITS[encoding];
  if (!Number.isInteger(level) || level < min || level > max)
    throw new RangeError(`compress level.${encoding} must be an integer from ${min} to ${max}, got ${level}`);
  return level;
}

/** Wraps a Node zlib transform as a web `TransformStream`. */
function fromZlib(
  create: () => zlib.BrotliCompress | zlib.Gzip | zlib.ZstdCompress,
): TransformStream<Uint8Array, Uint8Array> {
  const z = create();
  let failure: unknown;
  // `cancel` (the client went away) is newer than TypeScript's DOM types; Bun calls it.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(): void } = {
    start(controller) {
      z.on("data", (chunk: Uint8Array) =>
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
      );
      z.on("error", (error) => {
        failure = error;
        controller.error(error);
      });
    },
    transform(chunk) {
      if (failure !== undefined) throw failure;
      return new Promise<void>((resolve, reject) =>
        z.write(chunk, (error) => (error ? reject(error) : resolve())),
      );
    },
    flush() {
      if (failure !== undefined) throw failure;
      return new Promise<void>((resolve, reject) => {
        z.once("end", resolve);
        z.once("error", reject);
        z.end();
      });
    },
    cancel() {
      z.destroy();
    },
  };
  return new TransformStream(transformer);
}

/** Builds the three encoders for the given levels (validated here, at registration). */
export function createEncoders(levels: CompressionLevels = {}): Record<Encoding, Encoder> {
  const gzipLevel = checkLevel("gzip", levels.gzip);
  const brQuality = checkLevel("br", levels.br) ?? 4;
  const zstdLevel = checkLevel("zstd", levels.zstd);
  const brotliParams = { [zlib.constants.BROTLI_PARAM_QUALITY]: brQuality };
  return {
    gzip: {
      bytes: (data) =>
        Bun.gzipSync(
          data as Uint8Array<ArrayBuffer>,
          gzipLevel === undefined ? undefined : { level: gzipLevel as 6 },
        ),
      stream: () =>
        gzipLevel === undefined
          ? (new CompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>)
          : fromZlib(() => zlib.createGzip({ level: gzipLevel })),
    },
    br: {
      bytes: (data) =>
        zlib.brotliCompressSync(data, {
          params: { ...brotliParams, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength },
        }),
      stream: () => fromZlib(() => zlib.createBrotliCompress({ params: brotliParams })),
    },
    zstd: {
      bytes: (data) => Bun.zstdCompressSync(data, zstdLevel === undefined ? undefined : { level: zstdLevel }),
      stream: () =>
        zstdLevel === undefined
          ? (new CompressionStream("zstd" as CompressionFormat) as TransformStream<Uint8Array, Uint8Array>)
          : fromZlib(() =>
              zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: zstdLevel } }),
            ),
    },
  };
}
