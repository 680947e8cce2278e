import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentTypeFor } from "./mime";
import { StatCache } from "./stat-cache";

const dir = mkdtempSync(join(tmpdir(), "harpia-stat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("StatCache", () => {
  test("never holds more than maxEntries paths, evicting the least recently used", async () => {
    const cache = new StatCache({ maxEntries: 3, ttlSeconds: 60 });
    for (let i = 0; i < 50; i++) await cache.get(join(dir, `missing-${i}`));
    expect(cache.size).toBe(3);
  });

  test("remembers results for ttlSeconds, then asks the disk again", async () => {
    const file = join(dir, "changing.txt");
    writeFileSync(file, "one");
    const cache = new StatCache({ ttlSeconds: 0.05 });
    expect((await cache.get(file))?.size).toBe(3);
    writeFileSync(file, "three");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await cache.get(file))?.size).toBe(3);
    await Bun.sleep(80);
    expect((await cache.get(file))?.size).toBe(5);
  });

  test("reports files, directories and missing paths", async () => {
    const cache = new StatCache();
    writeFileSync(join(dir, "f.txt"), "x");
    expect((await cache.get(join(dir, "f.txt")))?.kind).toBe("file");
    expect((await cache.get(dir))?.kind).toBe("directory");
    expect(await cache.get(join(dir, "nope"))).toBeNull();
    expect(await cache.get(join(dir, "f.txt", "below-a-file"))).toBeNull();
  });
});

describe("contentTypeFor", () => {
  test("textual types get a charset; binary ones do not; unknown is octet-stream", () => {
    expect(contentTypeFor("a/app.js")).toBe("text/javascript;charset=utf-8");
    expect(contentTypeFor("icon.svg")).toBe("image/svg+xml;charset=utf-8");
    expect(contentTypeFor("feed.xml")).toBe("application/xml;charset=utf-8");
    expect(contentTypeFor("site.webmanifest")).toBe("application/manifest+json;charset=utf-8");
    expect(contentTypeFor("photo.PNG")).toBe("image/png");
    expect(contentTypeFor("font.woff2")).toBe("font/woff2");
    expect(contentTypeFor("Makefile")).toBe("application/octet-stream");
    expect(contentTypeFor(".env")).toBe("application/octet-stream");
    expect(contentTypeFor("x.unknown-ext")).toBe("application/octet-stream");
  });
});
