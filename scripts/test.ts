/**
 * Runs every workspace's `test` script one after another and prints the totals over all of
 * them as the last line: `N passed, N failed`. Exits non-zero when any test fails or any
 * package's test run fails to complete (a crash with no summary counts as one failure).
 *
 * Usage: `bun scripts/test.ts [package-name-filter...]`
 */
import { readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
const filters = process.argv.slice(2);

type Workspace = { name: string; dir: string };

async function workspaces(): Promise<Workspace[]> {
  const found: Workspace[] = [];
  for (const group of ["packages", "apps"]) {
    const base = path.join(root, group);
    let entries: string[] = [];
    try {
      entries = readdirSync(base).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const file = Bun.file(path.join(base, entry, "package.json"));
      if (!(await file.exists())) continue;
      const pkg = await file.json();
      if (!pkg.scripts?.test) continue;
      if (filters.length > 0 && !filters.some((f) => pkg.name.includes(f))) continue;
      found.push({ name: pkg.name, dir: path.join(base, entry) });
    }
  }
  return found;
}

/** Reads Bun's summary lines (` 12 pass`, ` 0 fail`) from a test run's output. */
function summarize(output: string): { passed: number; failed: number } | undefined {
  const pass = [...output.matchAll(/^\s*(\d+) pass$/gm)].at(-1);
  const fail = [...output.matchAll(/^\s*(\d+) fail$/gm)].at(-1);
  if (!pass && !fail) return undefined;
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

let passed = 0;
let failed = 0;
const broken: string[] = [];

for (const ws of await workspaces()) {
  console.log(`\n━━ ${ws.name} ━━`);
  const proc = Bun.spawn(["bun", "run", "test"], {
    cwd: ws.dir,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const [out, err] = await Promise.all([
    pipeThrough(proc.stdout, process.stdout),
    pipeThrough(proc.stderr, process.stderr),
  ]);
  const code = await proc.exited;
  const summary = summarize(`${out}\n${err}`);
  if (!summary) {
    failed += 1;
    broken.push(`${ws.name} (exit ${code}, no test summary)`);
    continue;
  }
  passed += summary.passed;
  failed += summary.failed;
  if (code !== 0 && summary.failed === 0) {
    failed += 1;
    broken.push(`${ws.name} (exit ${code})`);
  }
}

async function pipeThrough(stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    sink.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  return text;
}

if (broken.length > 0) console.log(`\nRuns that did not complete cleanly: ${broken.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
