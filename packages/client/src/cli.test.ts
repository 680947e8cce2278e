import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ServerHandle } from "@harpia/core";
import { booksApp } from "../test/support/books-app";
import { loadDocument } from "./generate/load";

const CLI = path.join(import.meta.dir, "cli.ts");
const SUPPORT = path.join(import.meta.dir, "../test/support");
const FIXTURE = path.join(SUPPORT, "books.openapi.json");

/** Runs `harpia-client ...args` in `cwd`; its exit code and output. */
async function run(cwd: string, ...args: string[]) {
  const proc = Bun.spawn([process.execPath, CLI, ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out, err };
}

describe("harpia-client generate", () => {
  let dir: string;
  let server: ServerHandle;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "harpia-client-"));
    server = booksApp().listen({ port: 0, hostname: "127.0.0.1" });
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("writes the routes from a JSON file; --check passes when fresh and fails when stale", async () => {
    const expected = await Bun.file(path.join(SUPPORT, "books.gen.ts")).text();
    const written = await run(dir, "generate", "--input", FIXTURE, "--out", "src/routes.gen.ts");
    expect(written).toMatchObject({ code: 0, out: "src/routes.gen.ts: written\n" });
    expect(await Bun.file(path.join(dir, "src/routes.gen.ts")).text()).toBe(expected);
    expect((await run(dir, "generate", "-i", FIXTURE, "-o", "src/routes.gen.ts")).out).toContain("unchanged");
    expect((await run(dir, "generate", "-i", FIXTURE, "-o", "src/routes.gen.ts", "--check")).code).toBe(0);
    await Bun.write(path.join(dir, "src/routes.gen.ts"), `${expected}// edited\n`);
    const stale = await run(dir, "generate", "-i", FIXTURE, "-o", "src/routes.gen.ts", "--check");
    expect(stale.code).toBe(1);
    expect(stale.err).toContain("src/routes.gen.ts is stale: run harpia-client generate");
    expect(await Bun.file(path.join(dir, "src/routes.gen.ts")).text()).toEndWith("// edited\n"); // untouched
    const missing = await run(dir, "generate", "-i", FIXTURE, "-o", "nowhere.gen.ts", "--check");
    expect(missing.code).toBe(1);
  });

  test("reads YAML files and URLs", async () => {
    const document = await Bun.file(FIXTURE).json();
    await Bun.write(path.join(dir, "openapi.yaml"), Bun.YAML.stringify(document, null, 2));
    const fromYaml = await run(dir, "generate", "-i", "openapi.yaml", "-o", "yaml.gen.ts");
    expect(fromYaml.code).toBe(0);
    const url = `http://127.0.0.1:${server.port}/openapi.json`;
    expect((await run(dir, "generate", "-i", url, "-o", "url.gen.ts")).code).toBe(0);
    const expected = await Bun.file(path.join(SUPPORT, "books.gen.ts")).text();
    expect(await Bun.file(path.join(dir, "yaml.gen.ts")).text()).toBe(expected);
    expect(await Bun.file(path.join(dir, "url.gen.ts")).text()).toBe(expected);
  });

  test("reads a module exporting an app, asked for /openapi.json in process", async () => {
    const result = await run(dir, "generate", "-i", path.join(SUPPORT, "app-module.ts"), "-o", "app.gen.ts");
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(await Bun.file(path.join(dir, "app.gen.ts")).text()).toBe(
      await Bun.file(path.join(SUPPORT, "books.gen.ts")).text(),
    );
  });

  test("a { app, close } export is closed after its document was read", async () => {
    const module = await import("../test/support/app-module");
    const before = module.closed.length;
    const document = (await loadDocument(path.join(SUPPORT, "app-module.ts"))) as { openapi: string };
    expect(document.openapi).toBe("3.1.0");
    expect(module.closed.length).toBe(before + 1);
  });

  test("usage errors exit 2; unreadable input exits 1 with the reason", async () => {
    expect((await run(dir, "generate", "--out", "x.ts")).code).toBe(2);
    expect((await run(dir, "build", "-i", FIXTURE, "-o", "x.ts")).err).toContain(
      'expected the command "generate"',
    );
    expect((await run(dir, "generate", "-i", FIXTURE, "-o", "x.ts", "--bogus")).code).toBe(2);
    const missing = await run(dir, "generate", "-i", "nope.json", "-o", "x.ts");
    expect(missing).toMatchObject({ code: 1, err: "error: nope.json: no such file\n" });
    await Bun.write(path.join(dir, "swagger.json"), JSON.stringify({ swagger: "2.0" }));
    const old = await run(dir, "generate", "-i", "swagger.json", "-o", "x.ts");
    expect(old.err).toContain("Expected an OpenAPI 3.0 or 3.1 document");
    const gone = await run(
      dir,
      "generate",
      "-i",
      `http://127.0.0.1:${server.port}/missing.json`,
      "-o",
      "x.ts",
    );
    expect(gone.err).toContain("answered 404");
    expect((await run(dir, "--help")).code).toBe(0);
  });
});
