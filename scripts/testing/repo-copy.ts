/**
 * A throwaway copy of the repository for tests that run release tooling (`changeset version`,
 * `bun run release`) which must never touch the real one: the working tree as it is (tracked
 * and untracked files, minus what .gitignore excludes) in a temporary folder, committed as one
 * commit on `main`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, run } from "../workspace";

const GIT_IDENTITY = ["-c", "user.name=Harpia tests", "-c", "user.email=tests@harpia.invalid"];

/** Runs git in `cwd` with a fixed identity; throws when it fails. */
export function git(cwd: string, ...args: string[]): string {
  const result = run(["git", ...GIT_IDENTITY, ...args], { cwd });
  if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Copies the repository into a new temporary folder and returns its path. */
export function copyRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-repo-"));
  const listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root });
  if (listed.code !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of new Set(listed.stdout.split("\0").filter(Boolean))) {
    const from = path.join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not committed yet
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(from, path.join(dir, file));
  }
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "snapshot");
  return dir;
}

/** Removes a copy made by {@link copyRepo}. */
export function removeCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
