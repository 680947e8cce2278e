/**
 * Every README example is a test: extracts the ```ts / ```js blocks of every README (the root
 * one, each workspace's: packages/*, apps/*, bench, deploy; docs/*.md, CONTRIBUTING.md), type-checks them
 * against the packages' sources (one program, plus one per block that does declaration merging),
 * and runs the ```ts run ones (scripts/readme/run-block.ts).
 * The convention is in scripts/readme/extract.ts and CONTRIBUTING.md.
 *
 * Each Markdown file's blocks are written to `.readme-blocks/<name>/` next to it (git-ignored,
 * removed afterwards), so they resolve that package's dependencies and the workspace's
 * `@harpia/*` sources like the package's own code does. A relative import no block provides
 * resolves to the README's own folder (scripts/readme/local-imports.ts).
 *
 * Type-checking uses `bun check` (a port of TypeScript 7's checker, and what `bun init` projects
 * run), which takes seconds where `tsc` 6 takes most of a minute here; `--tsc` uses the
 * repository's `tsc` instead.
 *
 * Usage: `bun scripts/readme-blocks.ts [--keep] [--list] [--tsc] [path-filter...]`
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Block, CODE_LANGS, extractBlocks } from "./readme/extract";
import { localImports } from "./readme/local-imports";
import { root, runAsync } from "./workspace";

const SANDBOX = ".readme-blocks";
const RUN_TIMEOUT_MS = 30_000;

/**
 * The Markdown files whose examples are tests, relative to the root: the root README and
 * CONTRIBUTING.md, the README of every workspace the root package.json lists (`packages/*`,
 * `apps/*`, `bench`, `deploy`...), and docs/*.md.
 */
export function markdownFiles(base = root): string[] {
  const files = ["README.md", "CONTRIBUTING.md"];
  const manifest = JSON.parse(readFileSync(path.join(base, "package.json"), "utf8"));
  const workspaces: string[] = Array.isArray(manifest.workspaces)
    ? manifest.workspaces
    : (manifest.workspaces?.packages ?? []);
  for (const pattern of workspaces) {
    for (const folder of [...new Bun.Glob(pattern).scanSync({ cwd: base, onlyFiles: false })].sort()) {
      // A scaffolder's template/ is an app of its own, with a README the new app's users read.
      files.push(`${folder}/README.md`, `${folder}/template/README.md`);
    }
  }
  if (existsSync(path.join(base, "docs")))
    for (const file of readdirSync(path.join(base, "docs")).sort())
      if (file.endsWith(".md")) files.push(`docs/${file}`);
  return files.filter((file) => existsSync(path.join(base, file)));
}

/** A block written to disk, and what happened to it. */
export type BlockResult = Block & {
  /** Where the block was written, and the folder its README's blocks live in (a run's cwd). */
  file?: string;
  sandbox: string;
  problems: string[];
};

/** Checks the blocks of the given Markdown files; returns every code block with its problems. */
export async function checkMarkdown(
  files: string[],
  options: {
    base?: string;
    keep?: boolean;
    runTimeoutMs?: number;
    /** `bun check` (TypeScript 7's checker, fast) by default; `tsc` is the repository's TypeScript. */
    checker?: "bun" | "tsc";
    log?: (line: string) => void;
  } = {},
): Promise<BlockResult[]> {
  const base = options.base ?? root;
  const runTimeout = options.runTimeoutMs ?? RUN_TIMEOUT_MS;
  const log = options.log ?? console.log;
  const results: BlockResult[] = [];
  const sandboxes: string[] = [];
  const byFile = new Map<string, BlockResult>();
  const setupProblems: string[] = [];

  for (const readme of files) {
    const sandbox = path.join(base, path.dirname(readme), SANDBOX, path.basename(readme, ".md"));
    rmSync(sandbox, { recursive: true, force: true });
    sandboxes.push(sandbox);
    let blocks: Block[];
    try {
      blocks = extractBlocks(readFileSync(path.join(base, readme), "utf8"), readme);
    } catch (error) {
      setupProblems.push((error as Error).message);
      continue;
    }
    for (const block of blocks) {
      const isCode = CODE_LANGS.has(block.lang);
      if (!isCode && !block.name) continue;
      const result: BlockResult = { ...block, sandbox, problems: [] };
      const ext = block.lang.startsWith("j") ? "js" : "ts";
      const relative = block.name ?? `readme-L${block.line}.${ext}`;
      const file = path.resolve(sandbox, relative);
      if (!file.startsWith(sandbox + path.sep))
        result.problems.push(`${relative}: the named file must stay in the folder`);
      else if (byFile.has(file))
        result.problems.push(`${relative} is also written by line ${byFile.get(file)!.line}`);
      else if (block.mode !== "skip" || !isCode) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, block.code);
        result.file = file;
        byFile.set(file, result);
      }
      if (isCode) results.push(result);
    }
    const readmeDir = path.join(base, path.dirname(readme));
    for (const result of results)
      if (result.readme === readme && result.file) localImports(result.code, result.file, sandbox, readmeDir);
  }

  const checked = results.filter((r) => r.file && r.mode !== "skip");
  if (checked.length > 0) {
    const started = performance.now();
    // Declaration merging (`declare module`, `declare global`) changes types for a whole
    // program, so a block that does it is checked in a program of its own.
    const merging = checked.filter((r) => /\bdeclare\s+(module|global)\b/.test(r.code));
    const programs = [checked.filter((r) => !merging.includes(r)), ...merging.map((r) => [r])].filter(
      (members) => members.length > 0,
    );
    const outputs = await Promise.all(
      programs.map(async (members, index) => {
        const dir = path.join(base, SANDBOX, `program-${process.pid}-${index}`);
        sandboxes.push(dir);
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          path.join(dir, "tsconfig.json"),
          JSON.stringify({
            extends: "../../tsconfig.base.json",
            compilerOptions: { allowJs: true, checkJs: false, noEmit: true },
            files: [path.join(base, "scripts", "readme", "context.d.ts"), ...members.map((r) => r.file!)],
          }),
        );
        const project = path.join(dir, "tsconfig.json");
        const command =
          options.checker === "tsc"
            ? [path.join(base, "node_modules", ".bin", "tsc"), "-p", project, "--pretty", "false"]
            : ["bun", "check", "-p", project, "--no-pretty", "--no-script"];
        const tsc = await runAsync(command, { cwd: base });
        return { tsc, members };
      }),
    );
    for (const { tsc, members } of outputs) {
      let current: BlockResult | undefined;
      let attributed = false;
      for (const line of tsc.stdout.split("\n")) {
        const error = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
        if (error) {
          const [, where, row, col, message] = error as unknown as [string, string, string, string, string];
          current = byFile.get(path.resolve(base, where));
          const at = current
            ? `${current.readme}:${current.line + Number(row)}:${col}`
            : `${where}:${row}:${col}`;
          if (current) {
            current.problems.push(`${at} ${message}`);
            attributed = true;
          } else setupProblems.push(`${at} ${message}`);
        } else if (current && line.startsWith("  "))
          current.problems[current.problems.length - 1] += `\n${line}`;
      }
      if (tsc.code !== 0 && !attributed && !members.some((r) => r.problems.length > 0))
        setupProblems.push(`the type-check failed:\n${tsc.stdout}${tsc.stderr}`);
    }
    log(
      `type-checked ${checked.length} blocks in ${programs.length} programs (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }

  for (const result of results.filter((r) => r.mode === "run" && r.file && r.problems.length === 0)) {
    const started = performance.now();
    const proc = Bun.spawn(
      ["bun", path.join(base, "scripts", "readme", "run-block.ts"), result.file!, ...result.probes],
      {
        cwd: result.sandbox,
        env: withoutSecrets(),
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const timer = setTimeout(() => proc.kill(), runTimeout);
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(timer);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (code !== 0)
      result.problems.push(
        `${result.readme}:${result.line} the program ${proc.signalCode ? `did not end within ${runTimeout / 1000} s` : `exited with ${code}`} (${seconds} s):\n${`${stdout}${stderr}`.trim()}`,
      );
  }

  if (!options.keep)
    for (const dir of sandboxes) {
      rmSync(dir, { recursive: true, force: true });
      try {
        rmdirSync(path.dirname(dir)); // the .readme-blocks folder, once empty
      } catch {}
    }
  if (setupProblems.length > 0)
    results.push({
      readme: "(setup)",
      sandbox: base,
      line: 0,
      lang: "",
      mode: "check",
      probes: [],
      code: "",
      problems: setupProblems,
    });
  return results;
}

/** The environment a reader starts from: none of the secrets an example might read. */
function withoutSecrets(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/SECRET|TOKEN|PASSWORD|^REDIS_/i.test(key)) env[key] = value;
  return env;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const filters = args.filter((a) => !a.startsWith("--"));
  const files = markdownFiles().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  const results = await checkMarkdown(files, {
    keep: args.includes("--keep"),
    checker: args.includes("--tsc") ? "tsc" : "bun",
  });
  for (const r of results) {
    if (r.readme === "(setup)") continue;
    if (args.includes("--list") || r.problems.length > 0)
      console.log(
        `${r.problems.length > 0 ? "✗" : "✓"} ${r.readme}:${r.line} ${r.mode}${r.probes.length ? ` ${r.probes.join(",")}` : ""}`,
      );
  }
  const failed = results.filter((r) => r.problems.length > 0);
  for (const r of failed) for (const problem of r.problems) console.error(`\n${problem}`);
  const count = (mode: string) => results.filter((r) => r.mode === mode && r.readme !== "(setup)").length;
  console.log(
    `\n${results.length - (results.some((r) => r.readme === "(setup)") ? 1 : 0)} README blocks in ${files.length} files: ` +
      `${count("run")} run, ${count("check")} type-checked only, ${count("skip")} skipped; ${failed.length} failed`,
  );
  process.exit(failed.length > 0 ? 1 : 0);
}
