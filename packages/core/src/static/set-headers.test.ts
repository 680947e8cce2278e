import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harpia } from "../index";

/** A folder with one file last changed a day ago (so its ETag is strong). */
const DIR = mkdtempSync(join(tmpdir(), "harpia-set-headers-"));
const DAY_AGO = new Date(Date.now() - 86_400_000);
writeFileSync(join(DIR, "page.html"), "<!doctype html><p>page</p>\n");
utimesSync(join(DIR, "page.html"), DAY_AGO, DAY_AGO);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe("static setHeaders", () => {
  test("must be a function, checked at registration", () => {
    expect(() => harpia().static(DIR, { setHeaders: 3 as never })).toThrow(TypeError);
    expect(() => harpia().static(DIR, { setHeaders: "x" as never })).toThrow(/setHeaders/);
  });

  test("sees the headers about to be sent and can replace any of them", async () => {
    const seen: Record<string, string | null> = {};
    const app = harpia();
    app.static(DIR, {
      maxAge: "1h",
      setHeaders: (res) => {
        for (const name of ["etag", "last-modified", "cache-control"]) seen[name] = res.headers.get(name);
        res.header("etag", '"release-42"');
        res.header("cache-control", "no-store");
        res.header("content-type", "text/plain;charset=utf-8");
      },
    });
    const res = await app.request("/page.html");
    expect(res.status).toBe(200);
    expect(seen.etag).toMatch(/^"[0-9a-f-]+"$/);
    expect(seen["last-modified"]).toBe(DAY_AGO.toUTCString());
    expect(seen["cache-control"]).toBe("public, max-age=3600");
    expect(res.headers.get("etag")).toBe('"release-42"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expect(await res.text()).toBe("<!doctype html><p>page</p>\n");
  });

  test("conditional requests are answered against the ETag actually sent", async () => {
    let defaultEtag = "";
    const app = harpia();
    app.static(DIR, {
      setHeaders: (res) => {
        defaultEtag = res.headers.get("etag")!;
        res.header("etag", '"release-42"');
      },
    });
    const current = await app.request("/page.html", { headers: { "if-none-match": '"release-42"' } });
    expect(current.status).toBe(304);
    expect(current.headers.get("etag")).toBe('"release-42"');
    // The ETag the client never saw no longer validates anything.
    const replaced = await app.request("/page.html", { headers: { "if-none-match": defaultEtag } });
    expect(replaced.status).toBe(200);
    const ranged = await app.request("/page.html", {
      headers: { range: "bytes=0-8", "if-range": '"release-42"' },
    });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe("<!doctype");
    const matched = await app.request("/page.html", { headers: { "if-match": '"release-42"' } });
    expect(matched.status).toBe(200);
  });

  test("a validator removed by setHeaders is neither sent nor used", async () => {
    const app = harpia();
    app.static(DIR, {
      setHeaders: (res) => {
        res.headers.delete("etag");
        res.headers.delete("last-modified");
      },
    });
    const first = await app.request("/page.html");
    expect(first.headers.get("etag")).toBeNull();
    expect(first.headers.get("last-modified")).toBeNull();
    const since = await app.request("/page.html", {
      headers: { "if-modified-since": new Date().toUTCString() },
    });
    expect(since.status).toBe(200);
  });

  test("an error answer (416, 412) carries none of the file's headers", async () => {
    const app = harpia();
    app.static(DIR, { maxAge: "1y", setHeaders: (res) => res.header("etag", '"release-42"') });
    const unsatisfiable = await app.request("/page.html", { headers: { range: "bytes=500-" } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get("content-range")).toBe("bytes */27");
    expect(unsatisfiable.headers.get("content-type")).toBe("application/problem+json");
    for (const name of ["etag", "last-modified", "cache-control", "accept-ranges"]) {
      expect(unsatisfiable.headers.get(name)).toBeNull();
    }
    const failed = await app.request("/page.html", { headers: { "if-match": '"other"' } });
    expect(failed.status).toBe(412);
    expect(failed.headers.get("cache-control")).toBeNull();
  });

  test("precompressed files: setHeaders sees the Content-Encoding and still has the last word", async () => {
    writeFileSync(join(DIR, "app.js"), "console.log('hello, world, hello, world');\n");
    writeFileSync(join(DIR, "app.js.gz"), Bun.gzipSync("console.log('hello, world, hello, world');\n"));
    let encoding: string | null | undefined;
    const app = harpia();
    app.static(DIR, {
      precompressed: ["gzip"],
      setHeaders: (res) => {
        encoding = res.headers.get("content-encoding");
        res.header("cache-control", "private");
      },
    });
    const res = await app.request("/app.js", { headers: { "accept-encoding": "gzip" } });
    expect(encoding).toBe("gzip");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("cache-control")).toBe("private");
  });
});

describe("setHeaders and a Cache-Control set by earlier middleware", () => {
  const app = harpia();
  app.use((_req, res, next) => {
    res.header("cache-control", "no-store");
    return next();
  });
  app.static(DIR, { prefix: "/kept", maxAge: "1d" });
  app.static(DIR, {
    prefix: "/dropped",
    maxAge: "1d",
    setHeaders: (res) => {
      if (res.headers.get("cache-control") === "no-store") res.headers.delete("cache-control");
    },
  });

  test("the middleware's wins over the mount's", async () => {
    expect((await app.request("/kept/page.html")).headers.get("cache-control")).toBe("no-store");
  });

  test("setHeaders removing it lets the mount's own apply", async () => {
    expect((await app.request("/dropped/page.html")).headers.get("cache-control")).toBe(
      "public, max-age=86400",
    );
  });

  test("without earlier middleware, setHeaders removing the mount's sends none", async () => {
    const plain = harpia();
    plain.static(DIR, { maxAge: "1d", setHeaders: (res) => res.headers.delete("cache-control") });
    expect((await plain.request("/page.html")).headers.get("cache-control")).toBeNull();
  });
});
