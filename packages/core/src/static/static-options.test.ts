import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import { harpia, serveStatic } from "../index";

const FIXTURES = join(import.meta.dir, "../../fixtures/static");
const PUBLIC = join(FIXTURES, "public");
const OTHER = join(FIXTURES, "other");

describe("static options", () => {
  test("maxAge and immutable set Cache-Control; cacheControl: false sends none", async () => {
    const app = harpia();
    app.static(PUBLIC, { prefix: "/assets", maxAge: "1d", immutable: true });
    app.static(PUBLIC, { prefix: "/plain", cacheControl: false, etag: false, lastModified: false });
    const cached = await app.request("/assets/style.css");
    expect(cached.headers.get("cache-control")).toBe("public, max-age=86400, immutable");
    const plain = await app.request("/plain/style.css");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("cache-control")).toBeNull();
    expect(plain.headers.get("etag")).toBeNull();
    expect(plain.headers.get("last-modified")).toBeNull();
  });

  test("redirect: false serves a directory's index without the trailing slash", async () => {
    const app = harpia();
    app.static(PUBLIC, { redirect: false });
    const res = await app.request("/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>Docs</title>");
  });

  test("index: false serves no directory; a custom index list is tried in order", async () => {
    const none = harpia();
    none.static(PUBLIC, { index: false });
    expect((await none.request("/docs/")).status).toBe(404);
    const custom = harpia();
    custom.static(PUBLIC, { index: ["missing.html", "guide.txt"] });
    expect(await (await custom.request("/docs/")).text()).toBe("The guide.\n");
  });

  test("extensions let /about serve about.html", async () => {
    const app = harpia();
    app.static(PUBLIC, { extensions: ["html"] });
    const res = await app.request("/about");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>About</title>");
  });

  test("extensions are tried only for a path without one, as serve-static does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "harpia-static-ext-"));
    try {
      writeFileSync(join(dir, "thing.html.html"), "doubled");
      writeFileSync(join(dir, "archive.tar.gz"), "gzipped");
      writeFileSync(join(dir, "v1.2.html"), "version page");
      writeFileSync(join(dir, "page.html"), "page");
      const app = harpia();
      app.static(dir, { extensions: ["html", "gz"] });
      expect((await app.request("/thing.html")).status).toBe(404);
      expect((await app.request("/archive.tar")).status).toBe(404);
      expect(await (await app.request("/page")).text()).toBe("page");
      // Only the last segment counts: a dot in a folder name does not stop the guess.
      mkdirSync(join(dir, "v1.0"));
      writeFileSync(join(dir, "v1.0", "notes.html"), "notes");
      expect(await (await app.request("/v1.0/notes")).text()).toBe("notes");
      // A name with an extension is served as it is.
      expect(await (await app.request("/v1.2.html")).text()).toBe("version page");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("dotfiles: deny answers 403, allow serves", async () => {
    const deny = harpia();
    deny.static(PUBLIC, { dotfiles: "deny" });
    expect((await deny.request("/.env")).status).toBe(403);
    const allow = harpia();
    allow.static(PUBLIC, { dotfiles: "allow" });
    expect(await (await allow.request("/.env")).text()).toBe("API_KEY=do-not-serve\n");
  });

  test("fallthrough: false answers 404 and 405 itself instead of trying later mounts", async () => {
    const app = harpia();
    app.static(PUBLIC, { fallthrough: false });
    app.static(OTHER);
    const missing = await app.request("/only-other.txt");
    expect(missing.status).toBe(404);
    const post = await app.request("/hello.txt", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  test("the custom not-found handler answers after every mount missed", async () => {
    const app = harpia();
    app.static(PUBLIC);
    app.setNotFound((_req, res) => res.json({ custom: true }));
    const res = await app.request("/nope.txt");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ custom: true });
  });

  test("setHeaders adds headers to every file sent", async () => {
    const app = harpia();
    app.static(PUBLIC, { setHeaders: (res, filePath) => res.header("x-file", filePath.split("/").pop()!) });
    expect((await app.request("/hello.txt")).headers.get("x-file")).toBe("hello.txt");
  });

  test("bad options fail at registration with a clear message", () => {
    const app = harpia();
    expect(() => app.static(PUBLIC, { maxAge: "soon" as never })).toThrow(/maxAge/);
    expect(() => app.static(PUBLIC, { index: "../index.html" })).toThrow(/plain file name/);
    expect(() => app.static(PUBLIC, { dotfiles: "sometimes" as never })).toThrow(/dotfiles/);
    expect(() => app.static("")).toThrow(/folder path/);
    expect(() => app.static(PUBLIC, { statCache: { maxEntries: 0 } })).toThrow(/maxEntries/);
  });

  test("precompressed siblings are served by Accept-Encoding, with the original type", async () => {
    const app = harpia();
    app.static(PUBLIC, { precompressed: true });
    const original = "body {\n  color: #123456;\n}\n";
    const br = await app.request("/theme.css", { headers: { "accept-encoding": "gzip, br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("content-type")).toBe("text/css;charset=utf-8");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(zlib.brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(original);
    // No .zst on disk: the next acceptable coding is used.
    const gz = await app.request("/theme.css", { headers: { "accept-encoding": "zstd, gzip;q=0.5" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(original);
    const plain = await app.request("/theme.css");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(original);
    expect(br.headers.get("etag")).not.toBe(plain.headers.get("etag"));
    const bad = await app.request("/theme.css", {
      headers: { "accept-encoding": "br", range: "bytes=500-" },
    });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-encoding")).toBeNull();
  });

  test("in development an edited file is seen at once (no cached metadata, no stale 304)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "harpia-static-dev-"));
    try {
      writeFileSync(join(dir, "live.css"), "a {}");
      const app = harpia({ development: true });
      app.static(dir);
      const first = await app.request("/live.css");
      const etag = first.headers.get("etag")!;
      writeFileSync(join(dir, "live.css"), "a { color: red }");
      const second = await app.request("/live.css", { headers: { "if-none-match": etag } });
      expect(second.status).toBe(200);
      expect(await second.text()).toBe("a { color: red }");
      expect(second.headers.get("etag")).not.toBe(etag);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("serveStatic works as a middleware and calls next() on a miss", async () => {
    const app = harpia();
    app.use(serveStatic(PUBLIC, { prefix: "/files" }));
    app.get("/files/dynamic", (_req, res) => res.text("dynamic"));
    expect(await (await app.request("/files/hello.txt")).text()).toBe("Hello, static world!\n");
    expect(await (await app.request("/files/dynamic")).text()).toBe("dynamic");
  });
});
