/**
 * Checks the tarballs `bun run release` would publish, as a consumer receives them:
 *
 * - every file the manifest points at (`exports` of every subpath and condition, `main`,
 *   `types`, `sideEffects`, `bin`) is in the tarball, with README.md and the repository's LICENSE;
 * - nothing of the development setup leaks: no `src/`, no source maps, no test, test helper or
 *   fixture (but in a scaffolder's `template/`, the app it writes, tests included), and a
 *   package.json with no
 *   `harpia-source` condition, no path into `src/`, no `workspace:` range, no scripts or
 *   devDependencies, and an `engines.bun`;
 * - the version policy (see CONTRIBUTING.md): every package has the same version, and a sibling's
 *   range on another `@harpia/*` package is `^<its version>`.
 *
 * Prints each tarball's size. Usage: `bun scripts/check-packs.ts [--packs <dir>]` (without
 * `--packs` it builds and packs into a temporary folder first, as `bun run pack` does).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Packed, packAll } from "./pack";
import { SOURCE_CONDITION } from "./pack-manifest";
import { publishablePackages, root, run } from "./workspace";

/**
 * A test, a test helper or a fixture (by path): `*.test.ts`, `test/` and `fixtures/` folders,
 * `test-helpers`/`test-support`/`test-utils` files. A `testing/` entry point is public API, and
 * `template/` is the app a scaffolder (create-harpia) writes: its tests are the app's.
 */
function isTestSupport(file: string): boolean {
  if (file.startsWith("template/")) return false;
  return (
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ||
    /(^|\/)(test|tests|__tests__|fixtures|test-fixtures)\//.test(file) ||
    /(^|\/)test-(helpers|support|utils)(\.|\/)/.test(file)
  );
}

/** Problems found in the tarballs; empty when they are fit to publish. */
export async function checkPacks(packed: Packed[]): Promise<string[]> {
  const problems: string[] = [];
  const license = readFileSync(path.join(root, "LICENSE"), "utf8");
  const versions = new Map(packed.map((p) => [p.name, p.version]));
  if (new Set(versions.values()).size > 1)
    problems.push(
      `packages must share one version while 0.x (changesets "fixed" group): ${[...versions].map(([n, v]) => `${n}@${v}`).join(", ")}`,
    );
  for (const pkg of packed) {
    const unpacked = mkdtempSync(path.join(tmpdir(), "harpia-check-"));
    try {
      const untar = run(["tar", "-xzf", pkg.tarball, "-C", unpacked]);
      if (untar.code !== 0) {
        problems.push(`${pkg.name}: cannot unpack ${pkg.tarball}: ${untar.stderr}`);
        continue;
      }
      const base = path.join(unpacked, "package");
      const files = listFiles(base);
      const problem = (text: string) => problems.push(`${pkg.name}: ${text}`);
      const manifest = JSON.parse(readFileSync(path.join(base, "package.json"), "utf8"));
      const text = JSON.stringify(manifest);

      for (const required of ["README.md", "LICENSE"])
        if (!files.includes(required)) problem(`${required} is missing from the tarball`);
      if (files.includes("LICENSE") && readFileSync(path.join(base, "LICENSE"), "utf8") !== license)
        problem("LICENSE differs from the repository's");
      for (const target of pointedAt(manifest)) {
        const file = target.replace(/^\.\//, "");
        if (!files.includes(file)) problem(`${target} (named in package.json) is missing from the tarball`);
      }
      if (!files.some((f) => f.startsWith("dist/"))) problem("no dist/ in the tarball (was it built?)");
      for (const file of files) {
        if (file.startsWith("src/")) problem(`${file}: sources are not shipped`);
        if (file.endsWith(".map")) problem(`${file}: source maps are not shipped (see tsup.base.ts)`);
        if (isTestSupport(file)) problem(`${file} is test support and must not ship`);
      }

      if (text.includes(SOURCE_CONDITION))
        problem(`package.json still has the "${SOURCE_CONDITION}" condition`);
      if (text.includes("workspace:")) problem("package.json still has a workspace: range");
      if (/"(\.\/)?src\//.test(text)) problem("package.json still points into src/");
      if (manifest.scripts) problem("package.json still has scripts");
      if (manifest.devDependencies) problem("package.json still has devDependencies");
      if (typeof manifest.engines?.bun !== "string") problem('package.json has no "engines": { "bun": ... }');
      if (manifest.license !== "MIT") problem('package.json must say "license": "MIT"');
      for (const field of ["dependencies", "peerDependencies"]) {
        for (const [dep, range] of Object.entries<string>(manifest[field] ?? {})) {
          const version = versions.get(dep);
          if (version !== undefined && range !== `^${version}`)
            problem(`${field}.${dep} is "${range}", expected "^${version}" (see CONTRIBUTING.md)`);
        }
      }
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  }
  return problems;
}

/** Every file path a manifest names: exports (all subpaths and conditions), main, types, sideEffects, bin. */
function pointedAt(manifest: Record<string, any>): string[] {
  const found = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === "string") found.add(value);
    else if (value && typeof value === "object") for (const v of Object.values(value)) walk(v);
  };
  walk(manifest.exports);
  for (const field of ["main", "module", "types"])
    if (typeof manifest[field] === "string") found.add(manifest[field]);
  if (Array.isArray(manifest.sideEffects)) for (const entry of manifest.sideEffects) found.add(entry);
  const bins = typeof manifest.bin === "string" ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const bin of bins) if (typeof bin === "string") found.add(bin.startsWith("./") ? bin : `./${bin}`);
  return [...found].filter((p) => p.startsWith("./") && !p.includes("*"));
}

function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out;
}

/** The tarballs already packed in `dir`, matched to the repository's packages. */
export async function packedIn(dir: string, base = root): Promise<Packed[]> {
  const packed: Packed[] = [];
  for (const pkg of await publishablePackages(base)) {
    const tarball = path.join(dir, `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`);
    try {
      packed.push({ ...pkg, tarball, bytes: statSync(tarball).size });
    } catch {
      throw new Error(`${pkg.name}: no ${path.basename(tarball)} in ${dir} (run bun run pack)`);
    }
  }
  return packed;
}

/**
 * The tarballs a check script works on: those of `--packs <dir>` (made by `bun run pack`), or
 * every package packed now into a temporary directory, which `cleanup` removes.
 */
export async function packsForCli(
  argv: readonly string[],
): Promise<{ packed: Packed[]; cleanup: () => void }> {
  const packsArg = argv.indexOf("--packs");
  if (packsArg > 0) return { packed: await packedIn(path.resolve(argv[packsArg + 1]!)), cleanup: () => {} };
  const temp = mkdtempSync(path.join(tmpdir(), "harpia-packs-"));
  return { packed: await packAll(temp), cleanup: () => rmSync(temp, { recursive: true, force: true }) };
}

if (import.meta.main) {
  const { packed, cleanup } = await packsForCli(process.argv);
  const problems = await checkPacks(packed);
  for (const p of packed) {
    const listing = run(["tar", "-tzvf", p.tarball]).stdout;
    const unpacked = listing.split("\n").reduce((sum, line) => sum + (Number(line.split(/\s+/)[2]) || 0), 0);
    console.log(
      `${p.name.padEnd(26)} ${(p.bytes / 1024).toFixed(1).padStart(6)} KiB packed ${(unpacked / 1024).toFixed(1).padStart(7)} KiB unpacked`,
    );
  }
  cleanup();
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.log(`${packed.length} packages packed, ${problems.length} problems`);
  process.exit(problems.length > 0 ? 1 : 0);
}
