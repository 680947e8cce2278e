/**
 * Packs every publishable package the way `bun publish` would and checks the tarball:
 * built `dist` entry points and types present, a README, no test, test helper or fixture
 * shipped (as a file or bundled into `dist`), and no `workspace:` range left in its
 * package.json (which `changeset publish` would ship literally under Bun).
 * Run after `bun run build`.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");

/**
 * A test, a test helper or a fixture (by path): `*.test.ts`, `test/` and `fixtures/` folders,
 * `test-helpers`/`test-support`/`test-utils` files. A `testing/` entry point is public API.
 */
function isTestSupport(file: string): boolean {
  return (
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ||
    /(^|\/)(test|tests|__tests__|fixtures|test-fixtures)\//.test(file) ||
    /(^|\/)test-(helpers|support|utils)(\.|\/)/.test(file)
  );
}
const problems: string[] = [];
let checked = 0;

for (const dir of readdirSync(path.join(root, "packages")).sort()) {
  const pkgDir = path.join(root, "packages", dir);
  const manifest = await Bun.file(path.join(pkgDir, "package.json")).json();
  if (manifest.private) continue;
  const out = mkdtempSync(path.join(tmpdir(), "harpia-pack-"));
  try {
    const pack = Bun.spawnSync(["bun", "pm", "pack", "--destination", out, "--quiet"], { cwd: pkgDir });
    if (pack.exitCode !== 0) {
      problems.push(`${manifest.name}: bun pm pack failed: ${pack.stderr.toString()}`);
      continue;
    }
    const tarball = readdirSync(out).find((f) => f.endsWith(".tgz"));
    if (!tarball) {
      problems.push(`${manifest.name}: no tarball produced`);
      continue;
    }
    const listing = Bun.spawnSync(["tar", "-tzf", path.join(out, tarball)])
      .stdout.toString()
      .split("\n");
    const packed = Bun.spawnSync([
      "tar",
      "-xzOf",
      path.join(out, tarball),
      "package/package.json",
    ]).stdout.toString();
    const published = JSON.parse(packed);
    const entry = published.exports?.["."];
    for (const required of [entry?.types, entry?.import, "README.md"]) {
      const file = `package/${String(required).replace(/^\.\//, "")}`;
      if (!required || !listing.includes(file))
        problems.push(`${manifest.name}: ${file} missing from the tarball`);
    }
    // Tests, their helpers and fixtures never ship: neither as files nor bundled into dist
    // (a bundle's source map names every source it took in).
    for (const file of listing) {
      if (isTestSupport(file)) problems.push(`${manifest.name}: ${file} is test support and must not ship`);
      if (!file.endsWith(".map")) continue;
      const map = Bun.spawnSync(["tar", "-xzOf", path.join(out, tarball), file]).stdout.toString();
      for (const source of (JSON.parse(map).sources ?? []) as string[]) {
        if (isTestSupport(source))
          problems.push(`${manifest.name}: ${file} bundles ${source}, which is test support`);
      }
    }
    if (packed.includes("workspace:"))
      problems.push(`${manifest.name}: the packed package.json still has a workspace: range`);
    checked++;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

for (const problem of problems) console.error(`✗ ${problem}`);
console.log(`${checked} packages packed, ${problems.length} problems`);
process.exit(problems.length > 0 ? 1 : 0);
