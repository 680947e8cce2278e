import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { harpia } from "../index";

const FIXTURES = join(import.meta.dir, "../../fixtures/static");
const PUBLIC = join(FIXTURES, "public");
const OTHER = join(FIXTURES, "other");
const SECRET = "TOP SECRET";

/** A response read off a raw socket: what `fetch` would hide or normalise. */
interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends a request line exactly as written (no URL normalisation, no re-encoding) and reads
 * the whole answer; `Connection: close` makes the server end the exchange.
 */
async function rawRequest(port: number, requestLine: string, extraHeaders = ""): Promise<RawResponse> {
  const text = await new Promise<string>((resolve, reject) => {
    let received = "";
    const timer = setTimeout(() => reject(new Error(`no answer to ${requestLine}`)), 5000);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extraHeaders}\r\n`);
        },
        data(_socket, chunk) {
          received += new TextDecoder().decode(chunk);
        },
        close() {
          clearTimeout(timer);
          resolve(received);
        },
        error(_socket, error) {
          clearTimeout(timer);
          reject(error);
        },
      },
    }).catch(reject);
  });
  const split = text.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: text.slice(split + 4) };
}

describe("static files over a real socket", () => {
  const app = harpia();
  const routedPaths: string[] = [];
  app.use((_req, res, next) => {
    res.header("x-frame-options", "DENY");
    return next();
  });
  app.addHook("onSend", (_req, res) => {
    res.headers.set("x-served-by", "harpia");
  });
  app.get("/routed.txt", (_req, res) => res.text("from the route"));
  app.static(PUBLIC, {
    setHeaders: (_res, filePath) => {
      routedPaths.push(filePath);
    },
  });
  app.static(OTHER);
  app.static(OTHER, { prefix: "/other" });
  // Dotfiles allowed here, so a `..` is stopped by the path checks, not by the dotfile rule.
  app.static(PUBLIC, { prefix: "/open", dotfiles: "allow" });
  let base = "";
  let port = 0;

  beforeAll(() => {
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    port = server.port!;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => app.stop(true));

  test("serves a file with type, charset, validators and caching headers", async () => {
    const res = await fetch(`${base}/hello.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Hello, static world!\n");
    expect(res.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expect(res.headers.get("content-length")).toBe("21");
    expect(res.headers.get("etag")).toMatch(/^(W\/)?"15-[0-9a-f]+"$/);
    expect(Date.parse(res.headers.get("last-modified")!)).not.toBeNaN();
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("cache-control")).toBe("public, max-age=0");
  });

  test("text types carry a charset; others keep their type", async () => {
    const types: Record<string, string> = {
      "/style.css": "text/css;charset=utf-8",
      "/data.json": "application/json;charset=utf-8",
      "/notes.md": "text/markdown;charset=utf-8",
      "/index.html": "text/html;charset=utf-8",
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await fetch(base + path);
      expect(res.headers.get("content-type")).toBe(type);
      await res.arrayBuffer();
    }
  });

  test("percent-encoded names are decoded once", async () => {
    const res = await fetch(`${base}/with%20space.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("spaced out\n");
  });

  test("app-level middleware and hooks apply to static responses", async () => {
    const res = await fetch(`${base}/hello.txt`);
    await res.arrayBuffer();
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-served-by")).toBe("harpia");
    const notModified = await fetch(`${base}/hello.txt`, {
      headers: { "if-none-match": res.headers.get("etag")! },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("x-frame-options")).toBe("DENY");
  });

  test("a request that matches a route never reaches the disk", async () => {
    routedPaths.length = 0;
    const res = await fetch(`${base}/routed.txt`);
    expect(await res.text()).toBe("from the route");
    expect(routedPaths).toEqual([]);
  });

  test("directories serve index.html; without a trailing slash they redirect, keeping the query", async () => {
    const root = await fetch(`${base}/`);
    expect(await root.text()).toContain("<h1>Home</h1>");
    const docs = await fetch(`${base}/docs/`);
    expect(await docs.text()).toContain("<title>Docs</title>");
    const redirect = await fetch(`${base}/docs?page=2`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/docs/?page=2");
  });

  test("a redirect can never point to another host", async () => {
    const res = await rawRequest(port, "GET //docs HTTP/1.1");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("/docs/");
  });

  test("dotfiles and dot-folders are not served by default", async () => {
    for (const path of ["/.env", "/.hidden/secret.txt", "/%2eenv"]) {
      const res = await fetch(base + path);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("do-not-serve");
    }
  });

  test("a file asked for with a trailing slash is not served", async () => {
    expect((await fetch(`${base}/hello.txt/`)).status).toBe(404);
  });

  test("several mounts: first match wins, a miss falls through, then 404", async () => {
    expect(await (await fetch(`${base}/shared.txt`)).text()).toBe("from the first mount\n");
    expect(await (await fetch(`${base}/only-other.txt`)).text()).toBe("only in other\n");
    expect(await (await fetch(`${base}/other/shared.txt`)).text()).toBe("from the second mount\n");
    const missing = await fetch(`${base}/nothing-here.txt`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("NOT_FOUND");
  });

  test("a prefix matches whole segments only", async () => {
    expect((await fetch(`${base}/otherx/only-other.txt`)).status).toBe(404);
    expect((await fetch(`${base}/other/only-other.txt`)).status).toBe(200);
  });

  test("methods other than GET and HEAD are not served", async () => {
    const res = await fetch(`${base}/hello.txt`, { method: "POST", body: "x" });
    expect(res.status).toBe(404);
  });

  test("HEAD answers the headers with the length and no body", async () => {
    const res = await rawRequest(port, "HEAD /hello.txt HTTP/1.1");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe("21");
    expect(res.headers["content-type"]).toBe("text/plain;charset=utf-8");
    expect(res.body).toBe("");
  });

  describe("traversal attempts never leave the root", () => {
    // Written raw: fetch and URL parsing would resolve most of these before sending.
    const attempts = [
      "/../secret.txt",
      "/docs/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/..%2Fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/docs/..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..%5Csecret.txt",
      "/..\\secret.txt",
      "/docs/..\\..\\secret.txt",
      "/%252e%252e/secret.txt",
      "/%252e%252e%252fsecret.txt",
      "/hello.txt%00",
      "/hello.txt%00.png",
      "/%00/../secret.txt",
      "/.%2e/secret.txt",
      "/%2e./secret.txt",
      `/${"..%2f".repeat(12)}etc/passwd`,
      "//../secret.txt",
      "/%2fsecret.txt",
      "/other/..%2fpublic/.env",
    ];
    for (const path of attempts) {
      test(`GET ${path} (default mount, and a mount that allows dotfiles)`, async () => {
        for (const target of [path, `/open${path}`]) {
          const res = await rawRequest(port, `GET ${target} HTTP/1.1`);
          expect([400, 404]).toContain(res.status);
          expect(res.body).not.toContain(SECRET);
          expect(res.body).not.toContain("root:");
          if (target === path) expect(res.body).not.toContain("do-not-serve");
        }
      });
    }

    test("malformed percent-encoding is a 400, not a 500", async () => {
      const res = await rawRequest(port, "GET /%E0%A4%A.txt HTTP/1.1");
      expect(res.status).toBe(400);
      expect(res.body).toContain("MALFORMED_URI");
    });

    test("fetch with pre-encoded dot segments gets nothing outside the root either", async () => {
      for (const path of ["/%2e%2e/secret.txt", "/docs/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt"]) {
        const res = await fetch(base + path);
        expect([400, 404]).toContain(res.status);
        expect(await res.text()).not.toContain(SECRET);
      }
    });
  });

  describe("conditional requests", () => {
    test("If-None-Match with the current ETag (weak comparison) is a 304 without a body", async () => {
      const first = await fetch(`${base}/hello.txt`);
      await first.arrayBuffer();
      const etag = first.headers.get("etag")!;
      const strongForm = etag.replace(/^W\//, "");
      for (const header of [etag, strongForm, `"nope", ${etag}`, "*"]) {
        const raw = await rawRequest(port, "GET /hello.txt HTTP/1.1", `If-None-Match: ${header}\r\n`);
        expect(raw.status).toBe(304);
        expect(raw.body).toBe("");
        expect(raw.headers.etag).toBe(etag);
      }
    });

    test("If-None-Match wins over If-Modified-Since", async () => {
      const future = new Date(Date.now() + 86_400_000).toUTCString();
      const res = await fetch(`${base}/hello.txt`, {
        headers: { "if-none-match": '"stale"', "if-modified-since": future },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("Hello, static world!\n");
    });

    test("If-Modified-Since at or after Last-Modified is a 304; before it a 200", async () => {
      const first = await fetch(`${base}/hello.txt`);
      await first.arrayBuffer();
      const lastModified = first.headers.get("last-modified")!;
      const same = await fetch(`${base}/hello.txt`, { headers: { "if-modified-since": lastModified } });
      expect(same.status).toBe(304);
      const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
      const older = await fetch(`${base}/hello.txt`, { headers: { "if-modified-since": earlier } });
      expect(older.status).toBe(200);
      await older.arrayBuffer();
      const garbage = await fetch(`${base}/hello.txt`, { headers: { "if-modified-since": "yesterday-ish" } });
      expect(garbage.status).toBe(200);
      await garbage.arrayBuffer();
    });

    test("If-Match that cannot match is a 412", async () => {
      const res = await fetch(`${base}/hello.txt`, { headers: { "if-match": '"something-else"' } });
      expect(res.status).toBe(412);
      const star = await fetch(`${base}/hello.txt`, { headers: { "if-match": "*" } });
      expect(star.status).toBe(200);
      await star.arrayBuffer();
    });
  });

  describe("ranges", () => {
    const range = (header: string, extra: Record<string, string> = {}) =>
      fetch(`${base}/alphabet.txt`, { headers: { range: header, ...extra } });

    test("bytes=0-4 is a 206 with Content-Range and just those bytes", async () => {
      const res = await range("bytes=0-4");
      expect(res.status).toBe(206);
      expect(res.headers.get("content-range")).toBe("bytes 0-4/26");
      expect(res.headers.get("content-length")).toBe("5");
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(await res.text()).toBe("abcde");
    });

    test("open-ended and suffix ranges", async () => {
      const open = await range("bytes=20-");
      expect(await open.text()).toBe("uvwxyz");
      expect(open.headers.get("content-range")).toBe("bytes 20-25/26");
      const suffix = await range("bytes=-3");
      expect(await suffix.text()).toBe("xyz");
      const clamped = await range("bytes=24-100");
      expect(await clamped.text()).toBe("yz");
      expect(clamped.headers.get("content-range")).toBe("bytes 24-25/26");
    });

    test("an unsatisfiable range is a 416 with Content-Range: bytes */size", async () => {
      const res = await range("bytes=26-30");
      expect(res.status).toBe(416);
      expect(res.headers.get("content-range")).toBe("bytes */26");
      expect((await res.json()).code).toBe("RANGE_NOT_SATISFIABLE");
    });

    test("malformed, multi-part or other-unit ranges get the whole file", async () => {
      for (const header of ["bytes=5-1", "items=0-4", "bytes=0-1,4-5", "bytes=abc"]) {
        const res = await range(header);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("abcdefghijklmnopqrstuvwxyz");
      }
    });

    test("If-Range with an outdated date or a weak ETag sends the whole file", async () => {
      const first = await fetch(`${base}/alphabet.txt`);
      await first.arrayBuffer();
      const stale = await range("bytes=0-1", { "if-range": "Mon, 01 Jan 2001 00:00:00 GMT" });
      expect(stale.status).toBe(200);
      await stale.arrayBuffer();
      const weak = await range("bytes=0-1", {
        "if-range": `W/${first.headers.get("etag")!.replace(/^W\//, "")}`,
      });
      expect(weak.status).toBe(200);
      await weak.arrayBuffer();
      const current = await range("bytes=0-1", { "if-range": first.headers.get("last-modified")! });
      expect(current.status).toBe(206);
      expect(await current.text()).toBe("ab");
    });

    test("a HEAD with a range reports the partial length", async () => {
      const res = await rawRequest(port, "HEAD /alphabet.txt HTTP/1.1", "Range: bytes=0-9\r\n");
      expect(res.status).toBe(206);
      expect(res.headers["content-length"]).toBe("10");
      expect(res.body).toBe("");
    });
  });
});
