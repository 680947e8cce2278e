/**
 * Checks the pending changesets before anything tries to release them:
 *
 * - each `.changeset/*.md` opens with `---` on its first line, lists `"@harpia/<name>": patch |
 *   minor | major` lines (or `"create-harpia": ...`: the scaffolder is unscoped, the name
 *   `bun create harpia` looks for) for packages that exist and are published, closes with `---`,
 *   and has a summary (a Markdown formatter once turned the frontmatter into a `## heading`,
 *   which the changesets CLI refuses);
 * - `changeset status` itself parses them, run under Bun (`bunx --bun changeset`): the CLI needs
 *   Node ≥ 22 otherwise.
 *
 * Usage: `bun scripts/check-changesets.ts`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { publishablePackages, root, run } from "./workspace";

const RELEASE_LINE = /^"(@harpia\/[a-z0-9-]+|create-harpia)": (patch|minor|major)$/;

/** Problems in one changeset file's text; empty when the changesets CLI will read it as meant. */
export function changesetProblems(text: string, packages: ReadonlySet<string>): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== "---") return ['must start with "---" on its first line (no blank line before it)'];
  const close = lines.indexOf("---", 1);
  if (close < 0) return ['the frontmatter is never closed by a "---" line'];
  const problems: string[] = [];
  const releases = lines.slice(1, close);
  if (releases.length === 0) problems.push("names no package");
  for (const line of releases) {
    const match = RELEASE_LINE.exec(line);
    if (!match) problems.push(`"${line}" is not a line like "@harpia/core": patch`);
    else if (!packages.has(match[1]!))
      problems.push(`${match[1]} is not a published package of this repository`);
  }
  const summary = lines
    .slice(close + 1)
    .join("\n")
    .trim();
  if (summary === "") problems.push("has no summary after the frontmatter");
  return problems;
}

/** The pending changeset files (every .md of .changeset/ but its README). */
export function pendingChangesets(base = root): string[] {
  return readdirSync(path.join(base, ".changeset"))
    .filter((f) => f.endsWith(".md") && f !== "README.md")
    .sort()
    .map((f) => path.join(base, ".changeset", f));
}

if (import.meta.main) {
  const packages = new Set((await publishablePackages()).map((p) => p.name));
  const problems: string[] = [];
  const files = pendingChangesets();
  for (const file of files)
    for (const problem of changesetProblems(readFileSync(file, "utf8"), packages))
      problems.push(`${path.relative(root, file)}: ${problem}`);
  const status = run(["bunx", "--bun", "changeset", "status"]);
  if (status.code !== 0)
    problems.push(
      `bunx --bun changeset status failed (exit ${status.code}):\n${status.stdout}${status.stderr}`,
    );
  else console.log(status.stdout.trim());
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.log(`${files.length} pending changesets, ${problems.length} problems`);
  process.exit(problems.length > 0 ? 1 : 0);
}
