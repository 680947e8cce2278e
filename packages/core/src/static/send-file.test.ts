import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { harpia } from "../index";

const FIXTURES = join(import.meta.dir, "../../fixtures/static");
const PUBLIC = join(FIXTURES, "public");

const app = harpia();
app.get("/file", (_req, res) => res.file(join(PUBLIC, "alphabet.txt")));
app.get("/bun-file", (_req, res) => res.file(Bun.file(join(PUBLIC, "style.css"))));
app.get("/cached", (_req, res) => res.file(join(PUBLIC, "hello.txt"), { maxAge: 600 }));
app.get("/typed", (_req, res) => res.file(join(PUBLIC, "hello.txt"), { contentType: "text/x-custom" }));
app.get("/download/:name", (req, res) => res.file(req.params.name, { root: PUBLIC }));
app.get("/download-nested/*", (req, res) =>
  res.file(req.path.slice("/download-nested/".length), { root: PUBLIC }),
);
app.post("/file", (_req, res) => res.file(join(PUBLIC, "alphabet.txt")));
app.get("/missing", (_req, res) => res.file(join(PUBLIC, "nope.txt")));
app.get("/directory", (_req, res) => res.file(PUBLIC));

describe("res.file()", () => {
  test("sends the file with its type and validators, and no Cache-Control unless asked", async () => {
    const res = await app.request("/file");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("abcdefghijklmnopqrstuvwxyz");
    expect(res.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    // Strong, unless the fixture was checked out less than a second ago (see resume.test.ts).
    expect(res.headers.get("etag")).toMatch(/^(W\/)?"1a-[0-9a-f]+"$/);
    expect(res.headers.get("last-modified")).not.toBeNull();
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("cache-control")).toBeNull();
    expect((await app.request("/cached")).headers.get("cache-control")).toBe("public, max-age=600");
  });

  test("accepts a Bun.file and an explicit content type", async () => {
    const css = await app.request("/bun-file");
    expect(css.headers.get("content-type")).toBe("text/css;charset=utf-8");
    expect(css.headers.get("etag")).not.toBeNull();
    expect((await app.request("/typed")).headers.get("content-type")).toBe("text/x-custom");
  });

  test("answers If-None-Match with 304 and Range with 206", async () => {
    const etag = (await app.request("/file")).headers.get("etag")!;
    const notModified = await app.request("/file", { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    const partial = await app.request("/file", { headers: { range: "bytes=3-5" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe("bytes 3-5/26");
    expect(await partial.text()).toBe("def");
  });

  test("304 is decided before Range: a fresh copy wins over an unsatisfiable range", async () => {
    const etag = (await app.request("/file")).headers.get("etag")!;
    const res = await app.request("/file", { headers: { "if-none-match": etag, range: "bytes=99-" } });
    expect(res.status).toBe(304);
  });

  test("other methods get the whole file, whatever Range says", async () => {
    const res = await app.request("/file", { method: "POST", headers: { range: "bytes=0-1" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("abcdefghijklmnopqrstuvwxyz");
  });

  test("a missing file or a directory is a 404", async () => {
    expect((await app.request("/missing")).status).toBe(404);
    expect((await app.request("/directory")).status).toBe(404);
  });

  describe("with root (a client-chosen name)", () => {
    test("serves a file inside the root", async () => {
      const res = await app.request("/download/hello.txt");
      expect(await res.text()).toBe("Hello, static world!\n");
      const nested = await app.request("/download-nested/docs/guide.txt");
      expect(await nested.text()).toBe("The guide.\n");
    });

    test("a name that would leave the root is a 400, and nothing outside is read", async () => {
      for (const name of ["..%2Fsecret.txt", "..%5Csecret.txt", "%2e%2e%2fsecret.txt", "hello.txt%00"]) {
        const res = await app.request(`/download/${name}`);
        expect(res.status).toBe(400);
        expect(await res.text()).not.toContain("TOP SECRET");
      }
    });

    test("dotfiles are not sent by default", async () => {
      const res = await app.request("/download/.env");
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("do-not-serve");
    });
  });
});
