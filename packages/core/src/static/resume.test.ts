import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harpia } from "../index";

const DIR = mkdtempSync(join(tmpdir(), "harpia-resume-"));
const BODY = "0123456789".repeat(100);
const DAY_AGO = new Date(Date.now() - 86_400_000);
const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Writes a file whose modification time lies in the past (a file not being written to). */
function writeOld(name: string, content: string | Uint8Array, when = DAY_AGO): void {
  writeFileSync(join(DIR, name), content);
  utimesSync(join(DIR, name), when, when);
}

writeOld("video.bin", BODY);
writeOld("same.txt", BODY);
writeOld("ranged.txt", BODY);

const app = harpia();
// No stat cache: each request sees the file as it is on disk now.
app.static(DIR, { statCache: false });
app.get("/download", (_req, res) => res.file(join(DIR, "ranged.txt")));
let base = "";

beforeAll(() => {
  base = `http://127.0.0.1:${app.listen({ port: 0, hostname: "127.0.0.1" }).port}`;
});
afterAll(() => {
  app.stop(true);
  rmSync(DIR, { recursive: true, force: true });
});

describe("strong ETags: resuming a download", () => {
  test("a file gets a strong ETag, and If-None-Match still compares weakly", async () => {
    const res = await app.request("/video.bin");
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const notModified = await app.request("/video.bin", { headers: { "if-none-match": `W/${etag}` } });
    expect(notModified.status).toBe(304);
  });

  test("Range with If-Range: <etag> is a 206 with the rest of the file", async () => {
    const etag = (await app.request("/video.bin")).headers.get("etag")!;
    const rest = await app.request("/video.bin", { headers: { range: "bytes=600-", "if-range": etag } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-range")).toBe("bytes 600-999/1000");
    expect(await rest.text()).toBe(BODY.slice(600));
    // A weak form never satisfies If-Range (RFC 9110 §13.1.5 needs a strong comparison).
    const weak = await app.request("/video.bin", {
      headers: { range: "bytes=600-", "if-range": `W/${etag}` },
    });
    expect(weak.status).toBe(200);
  });

  test("If-Match with the ETag matches; another ETag is a 412", async () => {
    const etag = (await app.request("/video.bin")).headers.get("etag")!;
    expect((await app.request("/video.bin", { headers: { "if-match": etag } })).status).toBe(200);
    expect((await app.request("/video.bin", { headers: { "if-match": `"x", ${etag}` } })).status).toBe(200);
    expect((await app.request("/video.bin", { headers: { "if-match": '"x"' } })).status).toBe(412);
    expect((await app.request("/video.bin", { headers: { "if-match": `W/${etag}` } })).status).toBe(412);
  });

  test("If-Range with the Last-Modified date: 206 when it is exact, the whole file otherwise", async () => {
    const lastModified = (await app.request("/video.bin")).headers.get("last-modified")!;
    expect(lastModified).toBe(DAY_AGO.toUTCString());
    const exact = await app.request("/video.bin", {
      headers: { range: "bytes=0-9", "if-range": lastModified },
    });
    expect(exact.status).toBe(206);
    expect(await exact.text()).toBe("0123456789");
    const older = new Date(DAY_AGO.getTime() - 60_000).toUTCString();
    const stale = await app.request("/video.bin", { headers: { range: "bytes=0-9", "if-range": older } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(BODY);
  });

  test("res.file() resumes the same way", async () => {
    const etag = (await app.request("/download")).headers.get("etag")!;
    const rest = await app.request("/download", { headers: { range: "bytes=990-", "if-range": etag } });
    expect(rest.status).toBe(206);
    expect(await rest.text()).toBe("0123456789");
  });

  test("a browser-style resume over a socket; a changed file comes back whole", async () => {
    writeOld("resume.bin", BODY);
    const first = await fetch(`${base}/resume.bin`);
    const etag = first.headers.get("etag")!;
    const partial = (await first.text()).slice(0, 400); // the connection dropped after 400 bytes
    const resumed = await fetch(`${base}/resume.bin`, { headers: { range: "bytes=400-", "if-range": etag } });
    expect(resumed.status).toBe(206);
    expect(partial + (await resumed.text())).toBe(BODY);

    // Same size, another modification time: another file as far as the client is concerned.
    const changed = "abcdefghij".repeat(100);
    writeOld("resume.bin", changed, HOUR_AGO);
    const afterChange = await fetch(`${base}/resume.bin`, {
      headers: { range: "bytes=400-", "if-range": etag },
    });
    expect(afterChange.status).toBe(200);
    expect(afterChange.headers.get("etag")).not.toBe(etag);
    expect(await afterChange.text()).toBe(changed);
  });

  test("a file modified within the last second gets a weak ETag until then", async () => {
    writeFileSync(join(DIR, "fresh.txt"), BODY);
    const fresh = await app.request("/fresh.txt");
    const weak = fresh.headers.get("etag")!;
    expect(weak).toStartWith('W/"');
    const ranged = await app.request("/fresh.txt", { headers: { range: "bytes=0-1", "if-range": weak } });
    expect(ranged.status).toBe(200);
    utimesSync(join(DIR, "fresh.txt"), DAY_AGO, DAY_AGO);
    expect((await app.request("/fresh.txt")).headers.get("etag")).toStartWith('"');
  });

  test("a precompressed sibling never shares the original's ETag, even with the same size and time", async () => {
    const mount = harpia();
    mount.static(DIR, { precompressed: ["gzip"], statCache: false });
    // Same length and modification time as same.txt: only the coding tells them apart.
    writeOld("same.txt.gz", "x".repeat(BODY.length));
    const identity = await mount.request("/same.txt");
    const gzipped = await mount.request("/same.txt", { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("etag")).not.toBe(identity.headers.get("etag"));
    // Resuming the identity download must not splice in bytes of the gzip file.
    const resumed = await mount.request("/same.txt", {
      headers: { "accept-encoding": "gzip", range: "bytes=10-", "if-range": identity.headers.get("etag")! },
    });
    expect(resumed.status).toBe(200);
    // The gzip representation resumes with its own ETag.
    const own = await mount.request("/same.txt", {
      headers: { "accept-encoding": "gzip", range: "bytes=990-", "if-range": gzipped.headers.get("etag")! },
    });
    expect(own.status).toBe(206);
    expect(own.headers.get("content-encoding")).toBe("gzip");
  });
});
