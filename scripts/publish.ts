/**
 * Publishes every non-private package whose version is not on the registry yet, with
 * `bun publish` (which rewrites `workspace:` ranges to real versions; `changeset publish` would
 * ship them literally under Bun). Run `bunx changeset version` first, then `bun run release`.
 */
import { readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
const dryRun = process.argv.includes("--dry-run");
for (const dir of readdirSync(path.join(root, "packages")).sort()) {
  const cwd = path.join(root, "packages", dir);
  const pkg = await Bun.file(path.join(cwd, "package.json")).json();
  if (pkg.private) continue;
  const view = Bun.spawnSync(["npm", "view", `${pkg.name}@${pkg.version}`, "version"], { stderr: "ignore" });
  if (view.stdout.toString().trim() === pkg.version) {
    console.log(`= ${pkg.name}@${pkg.version} already published`);
    continue;
  }
  console.log(`→ ${pkg.name}@${pkg.version}`);
  const args = ["bun", "publish", "--access", "public", ...(dryRun ? ["--dry-run"] : [])];
  const result = Bun.spawnSync(args, { cwd, stdout: "inherit", stderr: "inherit" });
  if (result.exitCode !== 0) process.exit(result.exitCode ?? 1);
}
