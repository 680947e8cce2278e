import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The scaffolder's entry point, run from source as `bun src/cli.ts ...`. */
export const CLI = path.join(import.meta.dir, "..", "src", "cli.ts");

/** The repository root (the generated app is linked to its packages' sources). */
export const REPO = path.join(import.meta.dir, "..", "..", "..");

/** The scaffolder's version. */
export const VERSION: string = (await Bun.file(path.join(import.meta.dir, "..", "package.json")).json())
  .version;

/** Runs the command line in `cwd` (without blocking: a test may serve what it fetches). */
export async function create(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["bun", CLI, ...args], {
    cwd,
    env: { ...process.env, FORCE_COLOR: "0", ...env },
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

/** A new temporary folder, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "create-harpia-test-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, relative and `/`-separated, sorted. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}
