import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkPacks } from "./check-packs";
import { root, run } from "./workspace";

const temp = mkdtempSync(path.join(tmpdir(), "harpia-check-packs-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Packs `files` (path → content) as `package/...` into a tarball, with README, LICENSE and a manifest. */
function tarball(name: string, manifest: Record<string, unknown>, files: Record<string, string>) {
  const dir = path.join(temp, name);
  const base = path.join(dir, "package");
  mkdirSync(base, { recursive: true });
  const full = { name, version: "0.1.0", license: "MIT", engines: { bun: ">=1.4.4" }, ...manifest };
  writeFileSync(path.join(base, "package.json"), JSON.stringify(full));
  writeFileSync(path.join(base, "README.md"), `# ${name}\n`);
  cpSync(path.join(root, "LICENSE"), path.join(base, "LICENSE"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    writeFileSync(path.join(base, file), content);
  }
  const file = path.join(temp, `${name}.tgz`);
  const tar = run(["tar", "-czf", file, "-C", dir, "package"]);
  if (tar.code !== 0) throw new Error(tar.stderr);
  return { name, version: "0.1.0", dir, manifest: full, tarball: file, bytes: statSync(file).size };
}

test("a bin the tarball lacks is a problem", async () => {
  const packed = tarball(
    "create-missing",
    { bin: { "create-missing": "./dist/cli.js" } },
    { "dist/other.js": "" },
  );
  expect(await checkPacks([packed])).toEqual([
    "create-missing: ./dist/cli.js (named in package.json) is missing from the tarball",
  ]);
  const plain = tarball("create-plain", { bin: "dist/cli.js" }, { "dist/other.js": "" });
  expect(await checkPacks([plain])).toEqual([
    "create-plain: ./dist/cli.js (named in package.json) is missing from the tarball",
  ]);
});

test("a scaffolder's template/ may hold the app's tests; tests elsewhere still may not ship", async () => {
  const files = {
    "dist/cli.js": "#!/usr/bin/env bun\n",
    "template/test/app.test.ts": "",
    "template/src/a.ts": "",
  };
  const ok = tarball("create-ok", { bin: { "create-ok": "./dist/cli.js" } }, files);
  expect(await checkPacks([ok])).toEqual([]);
  const leak = tarball(
    "create-leak",
    { bin: { "create-leak": "./dist/cli.js" } },
    { ...files, "test/cli.test.ts": "" },
  );
  expect(await checkPacks([leak])).toEqual([
    "create-leak: test/cli.test.ts is test support and must not ship",
  ]);
});
