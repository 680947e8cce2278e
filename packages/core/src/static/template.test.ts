import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia from "../index";

/** Plain GETs of a cached file reuse a prepared response; these are the answers users rely on. */
describe("prepared responses for static files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-static-template-"));
  const file = path.join(dir, "page.txt");
  writeFileSync(file, "first version");
  const app = harpia();
  app.static(dir, { statCache: { ttlSeconds: 0.05 } });
  let stamp = 0;
  app.addHook("onSend", (_req, res) => {
    res.headers.set("x-stamp", String(++stamp));
  });
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(async () => {
    await server.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (init?: RequestInit) => fetch(new URL("/page.txt", server.url), init);

  test("repeated GETs: same body and validators, per-request headers still added", async () => {
    const answers = await Promise.all([get(), get(), get()]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(bodies).toEqual(["first version", "first version", "first version"]);
    expect(new Set(answers.map((r) => r.headers.get("etag"))).size).toBe(1);
    expect(
      answers.every((r) => r.headers.get("last-modified") && r.headers.get("accept-ranges") === "bytes"),
    ).toBe(true);
    expect(answers[0]!.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expect(new Set(answers.map((r) => r.headers.get("x-stamp"))).size).toBe(3);
  });

  test("conditional, range and HEAD requests are still answered individually", async () => {
    const etag = (await get()).headers.get("etag")!;
    expect((await get({ headers: { "if-none-match": etag } })).status).toBe(304);
    const partial = await get({ headers: { range: "bytes=0-4" } });
    expect(partial.status).toBe(206);
    expect(await partial.text()).toBe("first");
    const head = await get({ method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String("first version".length));
  });

  test("an edited file is served fresh once its stat entry expires", async () => {
    const before = await get();
    await before.text();
    writeFileSync(file, "second version, longer");
    await Bun.sleep(80);
    const after = await get();
    expect(await after.text()).toBe("second version, longer");
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
  });
});
