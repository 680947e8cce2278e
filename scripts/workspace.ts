/**
 * The monorepo as the release scripts see it: its root, and the packages under `packages/` that
 * get published (every one not marked `private`).
 */
import { readdirSync } from "node:fs";
import path from "node:path";

/** The repository root. */
export const root = path.resolve(import.meta.dir, "..");

/** A package that `bun run release` publishes. */
export type PublishablePackage = {
  /** `@harpia/<folder>`, or `create-harpia` (the scaffolder: `bun create harpia` runs it by that name) */
  name: string;
  version: string;
  /** Absolute path of its folder. */
  dir: string;
  /** Its package.json as committed (with the development-only `harpia-source` condition). */
  manifest: Record<string, any>;
};

/** Every non-private package under `packages/` of `base` (the repository by default), by folder name. */
export async function publishablePackages(base = root): Promise<PublishablePackage[]> {
  const found: PublishablePackage[] = [];
  for (const folder of readdirSync(path.join(base, "packages")).sort()) {
    const dir = path.join(base, "packages", folder);
    const file = Bun.file(path.join(dir, "package.json"));
    if (!(await file.exists())) continue;
    const manifest = await file.json();
    if (manifest.private) continue;
    found.push({ name: manifest.name, version: manifest.version, dir, manifest });
  }
  return found;
}

/**
 * Runs a command, returning its exit code and output; never throws for a non-zero exit.
 * `env` adds to the inherited environment; a variable set to `undefined` is removed.
 */
export function run(
  cmd: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): { code: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync(cmd, {
    cwd: options.cwd ?? root,
    env: environment(options.env),
    stdout: "pipe",
    stderr: "pipe",
  });
  return {
    code: result.exitCode ?? 1,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

/** {@link run} without blocking the event loop (for tests that serve what the command fetches). */
export async function runAsync(
  cmd: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd ?? root,
    env: environment(options.env),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

function environment(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, FORCE_COLOR: "0", ...extra }))
    if (value !== undefined) env[key] = value; // `undefined` removes an inherited variable
  return env;
}
