/**
 * Copies the ratio table of a run into the repository's README (between `<!-- bench:start -->`
 * and `<!-- bench:end -->`), so the figures the README shows are always the last full run's.
 * `bun run.ts` calls it after a run; `bun src/root-readme.ts` copies `results/latest.md` again.
 */
import path from "node:path";

const repositoryReadme = path.join(import.meta.dir, "..", "..", "README.md");

/** Replaces the README's bench block with `table` (the Markdown ratio table of a run). */
export async function writeRootTable(table: string, readme = repositoryReadme): Promise<void> {
  const text = await Bun.file(readme).text();
  const pattern = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
  if (!pattern.test(text))
    throw new Error(`${readme} has no <!-- bench:start --> … <!-- bench:end --> block`);
  await Bun.write(readme, text.replace(pattern, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
}

/** The first table of a results Markdown file (the ratios, one row per scenario). */
export function firstTable(markdown: string): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("|"));
  if (start < 0) throw new Error("no table in the results");
  let end = start;
  while (end < lines.length && lines[end]!.startsWith("|")) end++;
  return lines.slice(start, end).join("\n");
}

if (import.meta.main) {
  const latest = await Bun.file(path.join(import.meta.dir, "..", "results", "latest.md")).text();
  await writeRootTable(firstTable(latest));
  console.log("Wrote the README's bench table from results/latest.md.");
}
