import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import { compress, harpia } from "../index";

const TEXT = Array.from({ length: 400 }, (_, i) => `<li>Item ${i}: the quick brown fox</li>`).join("\n");
const JSON_VALUE = { items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `book ${i}` })) };
const dir = mkdtempSync(join(tmpdir(), "harpia-compress-"));
const BIG_FILE = join(dir, "big.html");
const BIG_FILE_TEXT = TEXT.repeat(100); // ~1.5 MB: streamed, never read whole
writeFileSync(BIG_FILE, BIG_FILE_TEXT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function decode(encoding: string | null, bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes);
  switch (encoding) {
    case "gzip":
      return zlib.gunzipSync(buffer).toString("utf8");
    case "br":
      return zlib.brotliDecompressSync(buffer).toString("utf8");
    case "zstd":
      return zlib.zstdDecompressSync(buffer).toString("utf8");
    default:
      return buffer.toString("utf8");
  }
}

async function body(res: Response): Promise<string> {
  return decode(res.headers.get("content-encoding"), new Uint8Array(await res.arrayBuffer()));
}

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

const app = harpia();
app.use(compress());
app.get("/text", (_req, res) => res.html(TEXT));
app.get("/json", (_req, res) => res.json(JSON_VALUE));
app.get("/small", (_req, res) => res.text("tiny"));
app.get("/bytes", (_req, res) => res.type("text/plain").send(new TextEncoder().encode(TEXT)));
app.get("/image", (_req, res) => res.type("image/png").send(new Uint8Array(4096).fill(7)));
app.get("/file", (_req, res) => res.file(BIG_FILE));
app.get("/stream", (_req, res) =>
  res.type("text/plain").send(streamOf([TEXT.slice(0, 100), TEXT.slice(100)])),
);
app.get("/small-stream", (_req, res) => res.type("text/plain").send(streamOf(["a", "b"])));
app.get("/sse", (_req, res) => res.type("text/event-stream").send(streamOf([`data: ${TEXT}\n\n`])));
app.get("/encoded", (_req, res) => {
  res.header("content-encoding", "gzip").type("text/plain");
  return res.send(Bun.gzipSync(TEXT));
});
app.get("/no-transform", (_req, res) => res.header("cache-control", "no-transform").html(TEXT));
app.get("/empty", (_req, res) => res.status(204).send());
app.get("/response", () => new Response(TEXT, { headers: { "content-type": "text/html", etag: '"v1"' } }));
app.get("/small-response", () => new Response("tiny", { headers: { "content-type": "text/plain" } }));
app.get("/strong-etag", (_req, res) => res.header("etag", '"abc"').html(TEXT));
app.static(join(import.meta.dir, "../../fixtures/static/public"));

const get = (path: string, acceptEncoding?: string, init: RequestInit = {}) =>
  app.request(path, {
    ...init,
    headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding },
  });

describe("compress()", () => {
  for (const encoding of ["gzip", "br", "zstd"]) {
    test(`${encoding}: the body decompresses to the original bytes`, async () => {
      const res = await get("/text", encoding);
      expect(res.headers.get("content-encoding")).toBe(encoding);
      expect(res.headers.get("vary")).toBe("Accept-Encoding");
      expect(res.headers.get("content-length")).toBeNull();
      expect(await body(res)).toBe(TEXT);
    });
  }

  test("JSON and byte bodies are compressed too, and the compressed body is smaller", async () => {
    const json = await get("/json", "gzip");
    const raw = new Uint8Array(await json.arrayBuffer());
    expect(raw.byteLength).toBeLessThan(JSON.stringify(JSON_VALUE).length);
    expect(JSON.parse(decode("gzip", raw))).toEqual(JSON_VALUE);
    const bytes = await get("/bytes", "br");
    expect(bytes.headers.get("content-encoding")).toBe("br");
    expect(await body(bytes)).toBe(TEXT);
  });

  test("q-values choose the coding; ties go to the server's order (zstd, br, gzip)", async () => {
    const pick = async (header: string) => (await get("/text", header)).headers.get("content-encoding");
    expect(await pick("gzip, deflate, br, zstd")).toBe("zstd");
    expect(await pick("gzip, br")).toBe("br");
    expect(await pick("gzip;q=1, br;q=0.5")).toBe("gzip");
    expect(await pick("br;q=0, gzip;q=0.1")).toBe("gzip");
    expect(await pick("*")).toBe("zstd");
    expect(await pick("*;q=0.5, zstd;q=0")).toBe("br");
    expect(await pick("x-gzip")).toBe("gzip");
    expect(await pick("identity")).toBeNull();
    expect(await pick("deflate")).toBeNull();
  });

  test("no Accept-Encoding: sent as is, still with Vary: Accept-Encoding", async () => {
    const res = await get("/text");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(await res.text()).toBe(TEXT);
  });

  test("bodies under the threshold, incompressible types and SSE are left alone", async () => {
    for (const path of ["/small", "/image", "/sse", "/small-stream"]) {
      const res = await get(path, "gzip, br, zstd");
      expect(res.headers.get("content-encoding")).toBeNull();
    }
    expect(await (await get("/small-stream", "gzip")).text()).toBe("ab");
    const sse = await get("/sse", "gzip");
    expect(await sse.text()).toBe(`data: ${TEXT}\n\n`);
  });

  test("already-encoded bodies, no-transform, HEAD and 204 are not compressed", async () => {
    const encoded = await get("/encoded", "br");
    expect(encoded.headers.get("content-encoding")).toBe("gzip");
    expect(await body(encoded)).toBe(TEXT);
    expect((await get("/no-transform", "gzip")).headers.get("content-encoding")).toBeNull();
    const head = await get("/text", "gzip", { method: "HEAD" });
    expect(head.headers.get("content-encoding")).toBeNull();
    expect(await head.text()).toBe("");
    expect((await get("/empty", "gzip")).status).toBe(204);
  });

  test("a stream of unknown length is compressed as a stream, nothing lost", async () => {
    for (const encoding of ["gzip", "br", "zstd"]) {
      const res = await get("/stream", encoding);
      expect(res.headers.get("content-encoding")).toBe(encoding);
      expect(await body(res)).toBe(TEXT);
    }
  });

  test("a large Bun.file is compressed as a stream", async () => {
    for (const encoding of ["gzip", "br", "zstd"]) {
      const res = await get("/file", encoding);
      expect(res.headers.get("content-encoding")).toBe(encoding);
      expect(res.headers.get("etag")).toMatch(/^W\//);
      expect(await body(res)).toBe(BIG_FILE_TEXT);
    }
  });

  test("a Response returned by a handler is compressed; a tiny one is not", async () => {
    const res = await get("/response", "br");
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(res.headers.get("etag")).toBe('W/"v1"');
    expect(await body(res)).toBe(TEXT);
    const small = await get("/small-response", "br");
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(await small.text()).toBe("tiny");
  });

  test("a strong ETag becomes weak once the bytes change", async () => {
    expect((await get("/strong-etag", "gzip")).headers.get("etag")).toBe('W/"abc"');
    expect((await get("/strong-etag")).headers.get("etag")).toBe('"abc"');
  });

  test("static files: small ones are not compressed; ranges (206) never are", async () => {
    const small = await get("/hello.txt", "gzip");
    expect(small.headers.get("content-encoding")).toBeNull();
    const range = await app.request("/alphabet.txt", {
      headers: { "accept-encoding": "gzip", range: "bytes=0-3" },
    });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-encoding")).toBeNull();
    expect(await range.text()).toBe("abcd");
  });

  test("options: threshold, encodings, level and filter", async () => {
    const custom = harpia();
    custom.use(
      compress({
        threshold: 0,
        encodings: ["gzip"],
        level: { gzip: 9 },
        filter: (type) => type.startsWith("text/plain"),
      }),
    );
    custom.get("/tiny", (_req, res) => res.text("tiny"));
    custom.get("/html", (_req, res) => res.html(TEXT));
    const tiny = await custom.request("/tiny", { headers: { "accept-encoding": "br, zstd, gzip" } });
    expect(tiny.headers.get("content-encoding")).toBe("gzip");
    expect(await body(tiny)).toBe("tiny");
    const html = await custom.request("/html", { headers: { "accept-encoding": "gzip" } });
    expect(html.headers.get("content-encoding")).toBeNull();
  });

  test("invalid options fail at registration", () => {
    expect(() => compress({ threshold: -1 })).toThrow(/threshold/);
    expect(() => compress({ encodings: ["deflate" as never] })).toThrow(/deflate/);
    expect(() => compress({ encodings: [] })).toThrow(/at least one/);
    expect(() => compress({ level: { br: 12 } })).toThrow(/level\.br/);
  });
});

describe("compress() over a real socket", () => {
  let base = "";
  beforeAll(() => {
    base = app.listen({ port: 0, hostname: "127.0.0.1" }).url.href.replace(/\/$/, "");
  });
  afterAll(() => app.stop(true));

  for (const encoding of ["gzip", "br", "zstd"]) {
    test(`${encoding} file stream arrives intact`, async () => {
      const res = await fetch(`${base}/file`, {
        headers: { "accept-encoding": encoding },
        decompress: false,
      });
      expect(res.headers.get("content-encoding")).toBe(encoding);
      expect(res.headers.get("content-length")).toBeNull();
      expect(await body(res)).toBe(BIG_FILE_TEXT);
    });
  }
});
