import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pendingChangesets } from "./check-changesets";
import { copyRepo, git, removeCopy } from "./testing/repo-copy";
import { publishablePackages, root, run, runAsync } from "./workspace";

/** A registry that stores what `bun publish` uploads (GET answers what it has, PUT adds). */
function fakeRegistry() {
  const uploads: { name: string; authorization: string | null; body: any }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const name = decodeURIComponent(new URL(request.url).pathname.slice(1));
      if (request.method === "PUT") {
        uploads.push({
          name,
          authorization: request.headers.get("authorization"),
          body: await request.json(),
        });
        return Response.json({ ok: true });
      }
      const versions = Object.fromEntries(
        uploads.filter((u) => u.name === name).flatMap((u) => Object.entries(u.body.versions)),
      );
      if (Object.keys(versions).length === 0) return Response.json({ error: "not found" }, { status: 404 });
      return Response.json({ name, versions });
    },
  });
  return { server, uploads, url: `http://127.0.0.1:${server.port}/` };
}

/** Runs the copy's release script (asynchronously: the fake registry answers from this process). */
function release(copy: string, args: string[], env: Record<string, string | undefined> = {}) {
  return runAsync(["bun", path.join(copy, "scripts", "publish.ts"), ...args], {
    cwd: copy,
    env: { NPM_CONFIG_TOKEN: undefined, ...env },
  });
}

describe("bun run release refuses", () => {
  let copy: string;
  beforeAll(() => {
    copy = copyRepo();
  });
  afterAll(() => removeCopy(copy));

  test("a working tree with uncommitted changes", async () => {
    writeFileSync(path.join(copy, "stray.txt"), "not committed");
    const result = await release(copy, ["--dry-run", "--skip-tests"]);
    rmSync(path.join(copy, "stray.txt"));
    expect(result.stderr).toContain("uncommitted changes");
    expect(result.code).toBe(1);
  });

  test("pending changesets", async () => {
    writeFileSync(
      path.join(copy, ".changeset", "pending-sample.md"),
      '---\n"@harpia/core": patch\n---\n\nA fix.\n',
    );
    git(copy, "add", "-A");
    git(copy, "commit", "-q", "-m", "a pending changeset");
    const result = await release(copy, ["--dry-run", "--skip-tests"]);
    expect(result.stderr).toContain("pending changesets");
    expect(result.code).toBe(1);
  });
});

describe("bun run release", () => {
  let copy: string;
  let registry: ReturnType<typeof fakeRegistry>;
  let names: string[];

  beforeAll(async () => {
    // The state after `changeset version` was committed: no pending changesets. The copy packs
    // the repository's own build (same sources) instead of building again.
    const build = run(["bunx", "turbo", "run", "build", "--output-logs=errors-only"], { cwd: root });
    expect(build.code).toBe(0);
    copy = copyRepo();
    for (const file of pendingChangesets(copy)) rmSync(file);
    git(copy, "add", "-A");
    git(copy, "commit", "-q", "-m", "version packages");
    for (const pkg of await publishablePackages())
      cpSync(path.join(pkg.dir, "dist"), path.join(copy, "packages", path.basename(pkg.dir), "dist"), {
        recursive: true,
      });
    names = (await publishablePackages(copy)).map((p) => `${p.name}@${p.version}`);
    registry = fakeRegistry();
  }, 180_000); // builds every package when turbo has no cache (a fresh clone): far over 5 s
  afterAll(() => {
    registry.server.stop(true);
    removeCopy(copy);
  });

  test("--dry-run needs no credentials, uploads nothing and tags nothing", async () => {
    const result = await release(copy, ["--dry-run", "--skip-tests", "--registry", registry.url], {
      HARPIA_PACK_PREBUILT: "1",
    });
    expect(result.stderr).not.toContain("✗");
    expect(result.code).toBe(0);
    for (const name of names) expect(result.stdout).toContain(`→ ${name} (dry run)`);
    expect(registry.uploads).toHaveLength(0);
    expect(git(copy, "tag", "-l").trim()).toBe("");
  }, 120_000);

  test("publishes the checked tarballs, core first, and tags each package", async () => {
    const result = await release(copy, ["--skip-tests", "--registry", registry.url], {
      HARPIA_PACK_PREBUILT: "1",
      NPM_CONFIG_TOKEN: "test-token",
    });
    expect(result.stderr).not.toContain("✗");
    expect(result.code).toBe(0);
    expect(registry.uploads.map((u) => u.name)).toEqual([
      "@harpia/core",
      ...names.map((n) => n.replace(/@[^@]+$/, "")).filter((n) => n !== "@harpia/core"),
    ]);
    for (const upload of registry.uploads) {
      expect(upload.authorization).toBe("Bearer test-token");
      const manifest = JSON.stringify(upload.body.versions);
      expect(manifest).not.toContain("harpia-source");
      expect(manifest).not.toContain("workspace:");
      expect(manifest).not.toContain("./src/");
      // The tarball itself, as uploaded, holds the build: the module (`main`) or the command (`bin`).
      const [attachment] = Object.values<{ data: string }>(upload.body._attachments);
      const dir = mkdtempSync(path.join(tmpdir(), "harpia-upload-"));
      writeFileSync(path.join(dir, "p.tgz"), Buffer.from(attachment!.data, "base64"));
      expect(run(["tar", "-xzf", "p.tgz"], { cwd: dir }).code).toBe(0);
      const [published] = Object.values<{ main?: string; bin?: Record<string, string> }>(
        upload.body.versions,
      );
      const built = [published!.main, ...Object.values(published!.bin ?? {})].filter((f) => f !== undefined);
      expect(built.length).toBeGreaterThan(0);
      for (const file of built)
        expect({ file, shipped: existsSync(path.join(dir, "package", file)) }).toEqual({
          file,
          shipped: true,
        });
      expect(existsSync(path.join(dir, "package", "LICENSE"))).toBe(true);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(git(copy, "tag", "-l").trim().split("\n").sort()).toEqual([...names].sort());
    expect(git(copy, "status", "--porcelain")).toBe("");
  }, 120_000);

  test("a second run finds everything published and changes nothing", async () => {
    const result = await release(copy, ["--skip-tests", "--registry", registry.url], {
      HARPIA_PACK_PREBUILT: "1",
      NPM_CONFIG_TOKEN: "test-token",
    });
    expect(result.code).toBe(0);
    for (const name of names) expect(result.stdout).toContain(`= ${name} is already published`);
    expect(registry.uploads).toHaveLength(names.length);
  }, 120_000);
});
