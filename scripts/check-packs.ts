/**
 * Packs every publishable package the way `bun publish` would and checks the tarball:
 * built `dist` entry points and types present, a README, and no `workspace:` range left in
 * its package.json (which `changeset publish` would ship literally under Bun).
 * Run after `bun run build`.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
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
