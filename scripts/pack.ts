/**
 * Builds every publishable package and packs it with `bun pm pack` (whose `prepack` writes the
 * published manifest; see scripts/pack-manifest.ts) into one folder: the tarballs that
 * `bun run release` publishes and that you can install in another project before a release:
 *
 *   bun run pack                       # → .packs/harpia-core-0.1.0.tgz, ...
 *   bun add /path/to/harpia/.packs/harpia-core-0.1.0.tgz /path/to/harpia/.packs/harpia-test-client-0.1.0.tgz
 *
 * Usage: `bun scripts/pack.ts [--out <dir>]` (default `.packs`, emptied first).
 * `HARPIA_PACK_PREBUILT=1` packs the `dist` folders as they are (tests of the release script).
 */
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { type PublishablePackage, publishablePackages, root, run } from "./workspace";

/** One packed package. */
export type Packed = PublishablePackage & { tarball: string; bytes: number };

/**
 * Builds (through turbo, so an unchanged package is a cache hit) and packs every publishable
 * package of the repository at `base` into `outDir`. Throws when a build or pack fails, or when a
 * package.json was not restored after packing.
 */
export async function packAll(outDir: string, base = root): Promise<Packed[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  if (process.env.HARPIA_PACK_PREBUILT !== "1") {
    const build = run(["bunx", "turbo", "run", "build", "--output-logs=errors-only"], {
      cwd: base,
      env: { TURBO_TELEMETRY_DISABLED: "1" },
    });
    if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
  }
  const packed: Packed[] = [];
  for (const pkg of await publishablePackages(base)) {
    const manifestPath = path.join(pkg.dir, "package.json");
    const before = await Bun.file(manifestPath).text();
    const pack = run(["bun", "pm", "pack", "--destination", outDir, "--quiet"], {
      cwd: pkg.dir,
      env: { HARPIA_PACK_PREBUILT: "1" },
    });
    const after = await Bun.file(manifestPath).text();
    if (after !== before) throw new Error(`${pkg.name}: package.json was not restored after packing`);
    if (pack.code !== 0) throw new Error(`${pkg.name}: bun pm pack failed:\n${pack.stdout}${pack.stderr}`);
    const name = `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;
    const tarball = path.join(outDir, name);
    if (!readdirSync(outDir).includes(name)) throw new Error(`${pkg.name}: ${name} was not produced`);
    packed.push({ ...pkg, tarball, bytes: statSync(tarball).size });
  }
  return packed;
}

if (import.meta.main) {
  const outArg = process.argv.indexOf("--out");
  const outDir = path.resolve(outArg > 0 ? process.argv[outArg + 1]! : path.join(root, ".packs"));
  const packed = await packAll(outDir);
  for (const p of packed) console.log(`${p.tarball}  ${(p.bytes / 1024).toFixed(1)} KiB`);
  console.log(`\nInstall them in another project with:\n  bun add ${packed.map((p) => p.tarball).join(" ")}`);
}
