/**
 * Type-check benchmark: generates the projects (see generate.ts), runs
 * `tsc -p <project> --extendedDiagnostics` on each, and prints a markdown table of type
 * instantiations (the stable figure), types, check time and memory.
 *
 *   bun bench/typecheck/run.ts [--only a,b] [--runs 3] [--ts path/to/typescript] [--no-write]
 *
 * `--ts` compares another TypeScript: a package folder (with bin/tsc) or a tsc file.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { GENERATED_DIR, generate, runTsc, WORKSPACE_TS } from "./generate";

const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    runs: { type: "string", default: "1" },
    ts: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});

/** The TypeScript package folder to measure with. */
function typescriptDir(arg: string | undefined): string {
  if (!arg) return WORKSPACE_TS;
  const full = path.resolve(arg);
  return full.endsWith(path.join("bin", "tsc")) ? path.dirname(path.dirname(full)) : full;
}

const tsDir = typescriptDir(args.ts);
const tsVersion = (await Bun.file(path.join(tsDir, "package.json")).json()).version as string;
const runs = Math.max(1, Number(args.runs));

/** One project's figures. */
export interface Measure {
  variant: string;
  description: string;
  instantiations: number;
  types: number;
  checkSeconds: number;
  totalSeconds: number;
  memoryMb: number;
  errors: number;
  firstError?: string;
}

const field = (out: string, name: string) =>
  Number(new RegExp(`^${name}:\\s+([\\d.]+)`, "m").exec(out)?.[1] ?? Number.NaN);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function measure(variant: { name: string; description: string; dir: string }): Promise<Measure> {
  const samples: { out: string }[] = [];
  for (let i = 0; i < runs; i++) {
    const { output } = await runTsc(tsDir, ["-p", variant.dir, "--extendedDiagnostics"]);
    samples.push({ out: output });
  }
  const out = samples[0]!.out;
  const errors = out.split("\n").filter((line) => /error TS\d+/.test(line));
  return {
    variant: variant.name,
    description: variant.description,
    instantiations: field(out, "Instantiations"),
    types: field(out, "Types"),
    checkSeconds: median(samples.map((s) => field(s.out, "Check time"))),
    totalSeconds: median(samples.map((s) => field(s.out, "Total time"))),
    memoryMb: median(samples.map((s) => field(s.out, "Memory used") / 1024)),
    errors: errors.length,
    firstError: errors[0]?.replace(`${GENERATED_DIR}/`, "").slice(0, 160),
  };
}

const only = args.only?.split(",");
console.log(`Generating projects (TypeScript ${tsVersion})…`);
const variants = await generate({ only, ts: tsDir });
const results: Measure[] = [];
for (const variant of variants) {
  const m = await measure(variant);
  results.push(m);
  console.log(
    `${m.variant.padEnd(40)} ${String(m.instantiations).padStart(9)} inst  ${m.checkSeconds.toFixed(2)}s  ${m.memoryMb.toFixed(0)} MB${m.errors ? `  ${m.errors} errors` : ""}`,
  );
}

const k = (n: number) => (Number.isNaN(n) ? "—" : n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n));
const byName = new Map(results.map((r) => [r.variant, r]));

/** "What the client adds" = (server + client) − (server), the delta method, per pair measured. */
const DELTAS: [string, string, string][] = [
  ["Hono `hc`", "hono-server+client", "hono-server"],
  ["Elysia Eden", "elysia-server+eden", "elysia-server"],
  ["(A) intersection", "harpia-a-intersection-server+client", "harpia-a-intersection-server"],
  ["(A) union", "harpia-a-union-server+client", "harpia-a-union-server"],
  ["(A) registry interface", "harpia-a-registry-server+client", "harpia-a-intersection-server"],
  ["(A) `call()`", "harpia-a-call-server+client", "harpia-a-intersection-server"],
  ["(B) generated", "harpia-b-server+client", "harpia-b-server"],
  ["`@harpia/client`", "harpia-client-server+client", "harpia-b-server"],
  ["`@harpia/client` (real core, `.d.ts`)", "harpia-core-dts-server+client", "harpia-core-dts-server"],
];

const table = [
  "| variant | instantiations | types | check time | memory | errors |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...results.map(
    (r) =>
      `| \`${r.variant}\` — ${r.description} | ${r.instantiations.toLocaleString("en-US")} | ${r.types.toLocaleString("en-US")} | ${r.checkSeconds.toFixed(2)} s | ${r.memoryMb.toFixed(0)} MB | ${r.errors || ""} |`,
  ),
];
const deltas = DELTAS.filter(([, a, b]) => byName.has(a) && byName.has(b)).map(([label, a, b]) => {
  const d = byName.get(a)!.instantiations - byName.get(b)!.instantiations;
  return `| ${label} | ${k(byName.get(b)!.instantiations)} | ${k(byName.get(a)!.instantiations)} | ${k(d)} |`;
});
const errors = results.filter((r) => r.firstError).map((r) => `- \`${r.variant}\`: ${r.firstError}`);
const machine = `${navigator.hardwareConcurrency} CPUs, TypeScript ${tsVersion}, ${Bun.which("node") ? `Node ${(await Bun.$`node --version`.text()).trim()}` : `Bun ${Bun.version}`}`;
const markdown = [
  `\`tsc -p <project> --extendedDiagnostics\` on 200 routes (100 \`GET /resource{i}/:id\`, 100 \`POST /resource{i}\` with a 5-field zod 4 body); ${machine}; ${runs === 1 ? "one run" : `median of ${runs} runs`}; ${new Date().toISOString().slice(0, 10)}. Instantiations are deterministic; times and memory vary with the machine's load.`,
  "",
  ...table,
  "",
  "What the client adds, by the delta method — instantiations of (server + client) minus (server alone):",
  "",
  "| client | server | server + client | client adds |",
  "| --- | ---: | ---: | ---: |",
  ...deltas,
  ...(errors.length ? ["", "Errors (the variant does not compile):", "", ...errors] : []),
].join("\n");

console.log(`\n${markdown}`);

if (!args["no-write"]) {
  const out = path.join(import.meta.dir, "results");
  await Bun.write(path.join(out, "latest.md"), `${markdown}\n`);
  await Bun.write(
    path.join(out, "latest.json"),
    `${JSON.stringify({ typescript: tsVersion, runs, date: new Date().toISOString(), results }, null, 2)}\n`,
  );
  if (!only) {
    const readme = path.join(import.meta.dir, "..", "README.md");
    const text = await Bun.file(readme).text();
    await Bun.write(
      readme,
      text.replace(
        /<!-- typecheck:start -->[\s\S]*<!-- typecheck:end -->/,
        `<!-- typecheck:start -->\n${markdown}\n<!-- typecheck:end -->`,
      ),
    );
  }
  console.log(
    `\nWrote ${path.relative(process.cwd(), out)}/latest.{md,json}${only ? "" : " and the README table"}.`,
  );
}
