/**
 * The package.json a package is published with.
 *
 * In the repository, every export has a `harpia-source` condition pointing at `src/` (so the
 * workspace runs from source), and the manifest carries scripts and `workspace:` development
 * dependencies. None of that belongs in a tarball, and `bun pm pack` / `bun publish` ship
 * package.json as it is on disk: they replace `workspace:` ranges but ignore `publishConfig`
 * overrides. So each package runs this script around packing:
 *
 * - `prepack`: builds the package (turbo, cached) and writes the published manifest in place of
 *   package.json, keeping the original next to it as `package.json.source`;
 * - `postpack`: puts the original back.
 *
 * The published manifest: `publishConfig` fields other than npm settings replace the top-level
 * ones (as pnpm does, e.g. `publishConfig.sideEffects`), `harpia-source` conditions are removed,
 * `scripts` and `devDependencies` are dropped, and nothing may still point into `src/`.
 * `bun pm pack` then turns the remaining `workspace:^` peer ranges into `^<version>`.
 *
 * Usage (from a package folder): `bun ../../scripts/pack-manifest.ts prepack|postpack`.
 * `HARPIA_PACK_PREBUILT=1` skips the build (scripts/pack.ts builds everything once first).
 */
import { existsSync, renameSync } from "node:fs";
import path from "node:path";
import { root } from "./workspace";

/** Keys of `publishConfig` that configure npm itself and stay where they are. */
const NPM_SETTINGS = new Set(["access", "registry", "tag", "provenance", "directory"]);

/** The condition that resolves to TypeScript sources inside the monorepo. */
export const SOURCE_CONDITION = "harpia-source";

/** Returns the manifest to publish for a package's source manifest (which it leaves untouched). */
export function publishedManifest(source: Record<string, any>): Record<string, any> {
  const manifest: Record<string, any> = structuredClone(source);
  const publishConfig: Record<string, unknown> = manifest.publishConfig ?? {};
  for (const [key, value] of Object.entries(publishConfig)) {
    if (NPM_SETTINGS.has(key)) continue;
    manifest[key] = value;
    delete publishConfig[key];
  }
  if (manifest.exports !== undefined) manifest.exports = withoutSourceCondition(manifest.exports);
  delete manifest.scripts;
  delete manifest.devDependencies;
  const intoSource = stringsIn(manifest).filter((value) => /^(\.\/)?src\//.test(value));
  if (intoSource.length > 0)
    throw new Error(
      `${source.name}: the published package.json would still point into src/ (${intoSource.join(", ")}); ` +
        "override the field in publishConfig",
    );
  return manifest;
}

function withoutSourceCondition(exports: unknown): unknown {
  if (exports === null || typeof exports !== "object" || Array.isArray(exports)) return exports;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exports)) {
    if (key === SOURCE_CONDITION) continue;
    result[key] = withoutSourceCondition(value);
  }
  return result;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(stringsIn);
}

/** The `prepack` step for the package in `dir`. */
export async function prepack(dir: string): Promise<void> {
  const manifestPath = path.join(dir, "package.json");
  const backupPath = `${manifestPath}.source`;
  // A pack that died between prepack and postpack left the published manifest in place: the
  // backup is the real source manifest.
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
  const sourceText = await Bun.file(manifestPath).text();
  const source = JSON.parse(sourceText);
  if (process.env.HARPIA_PACK_PREBUILT !== "1") {
    const build = Bun.spawnSync(
      ["bunx", "turbo", "run", "build", `--filter=${source.name}`, "--output-logs=errors-only"],
      {
        cwd: root,
        stdout: "inherit",
        stderr: "inherit",
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
      },
    );
    if (build.exitCode !== 0) throw new Error(`${source.name}: the build failed`);
  }
  const published = publishedManifest(source);
  await Bun.write(backupPath, sourceText);
  await Bun.write(manifestPath, `${JSON.stringify(published, null, 2)}\n`);
}

/** The `postpack` step: restores the source manifest. */
export function postpack(dir: string): void {
  const manifestPath = path.join(dir, "package.json");
  const backupPath = `${manifestPath}.source`;
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
}

if (import.meta.main) {
  const step = process.argv[2];
  const dir = process.cwd();
  if (step === "prepack") await prepack(dir);
  else if (step === "postpack") postpack(dir);
  else {
    console.error("usage: bun scripts/pack-manifest.ts prepack|postpack (from a package folder)");
    process.exit(2);
  }
}
