/**
 * HTTP benchmark: raw Bun.serve, Harpia, Hono and Elysia answering the same scenarios, measured in
 * one run with wrk. The server runs pinned to one core and wrk to another; each (scenario,
 * framework) gets a fresh process, a discarded warm-up, then a measured run; frameworks are
 * interleaved over several rounds and medians reported as ratios to raw Bun.
 *
 *   bun run bench [--rounds 3] [--duration 5] [--warmup 1] [--connections 64]
 *                 [--scenarios S1,S2] [--frameworks bun,harpia] [--no-write]
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CASES, type Case } from "./cases";
import { renderChart } from "./chart";
import {
  luaScript,
  machine as machineText,
  median,
  pinned,
  requireWrk,
  rssMb,
  wrk as runWrk,
  startServer as spawnServer,
} from "./load";
import { writeRootTable } from "./root-readme";

const FRAMEWORKS = ["bun", "harpia", "hono", "elysia"] as const;
type Framework = (typeof FRAMEWORKS)[number];
const LABEL: Record<Framework, string> = {
  bun: "Bun.serve",
  harpia: "Harpia",
  hono: "Hono",
  elysia: "Elysia",
};

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "64" },
    scenarios: { type: "string" },
    frameworks: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});

const rounds = Number(args.rounds);
const cases = args.scenarios ? CASES.filter((c) => args.scenarios!.split(",").includes(c.id)) : CASES;
const frameworks = (args.frameworks?.split(",") ?? [...FRAMEWORKS]) as Framework[];
const root = path.resolve(import.meta.dir, "..");

requireWrk();
if (!frameworks.includes("bun")) frameworks.unshift("bun");

interface Sample {
  rps: number;
  p99: string;
  rssMb: number;
  errors: number;
}

/** Starts a server for the case; `skipped` when the framework says it does not implement the scenario. */
async function startServer(framework: Framework, c: Case) {
  const started = await spawnServer(
    ["bun", path.join(import.meta.dir, "servers", `${framework}.ts`), c.scenario, "0"],
    { ROUTES: String(c.routes ?? 200) },
    `${framework} ${c.id}`,
    root,
  );
  if (started.skipped !== undefined) return started;
  const base = `http://127.0.0.1:${started.port}`;
  return { proc: started.proc, base, url: `${base}${c.path}`, skipped: undefined };
}

/**
 * The request headers of the case for one server: with `login`, the session cookies that
 * server set on `GET <login>`, before the case's own cookies.
 */
async function requestHeaders(framework: Framework, base: string, c: Case): Promise<Record<string, string>> {
  const headers = { ...c.headers };
  if (c.login === undefined) return headers;
  const res = await fetch(`${base}${c.login}`, { headers: c.headers, redirect: "manual" });
  await res.arrayBuffer();
  const cookies = res.headers.getSetCookie().map((line) => line.split(";")[0]!.trim());
  if (cookies.length === 0) throw new Error(`${framework} ${c.id}: GET ${c.login} set no cookie`);
  headers.cookie = [...cookies, c.headers?.cookie].filter(Boolean).join("; ");
  return headers;
}

/** The answer a server gives, to check every framework does the same work. */
async function answer(url: string, c: Case, headers = c.headers): Promise<string> {
  const res = await fetch(url, { method: c.method ?? "GET", body: c.body, headers });
  const type = (res.headers.get("content-type") ?? "").split(";")[0];
  const normalize = c.normalize ?? ((text: string) => text);
  const lines = [`${res.status} ${type} ${normalize(await res.text())}`];
  for (const name of c.sameHeaders ?? [])
    lines.push(`${name}: ${normalize(res.headers.get(name) ?? "(absent)")}`);
  for (const names of c.presentHeaders ?? [])
    lines.push(`${names}: ${names.split("|").some((name) => res.headers.has(name)) ? "sent" : "(absent)"}`);
  return lines.join("\n");
}

/** Where two answers first differ, with some context. */
function difference(got: string | undefined, expected: string): string {
  if (got === undefined) return "no answer";
  let at = 0;
  while (at < got.length && got[at] === expected[at]) at++;
  const from = Math.max(0, at - 30);
  return `"…${got.slice(from, at + 50)}…" ≠ Bun's "…${expected.slice(from, at + 50)}…"`;
}

const wrk = (url: string, seconds: number, script: string) =>
  runWrk(url, seconds, script, Number(args.connections));

/** "5s each (2s for S6-10, S6S-10; 3s for S8)" when some cases have their own duration. */
function describeDurations(): string {
  if (args.duration !== undefined) return `${args.duration}s each`;
  const own = new Map<number, string[]>();
  for (const c of cases)
    if (c.duration !== undefined) own.set(c.duration, [...(own.get(c.duration) ?? []), c.id]);
  if (own.size === 0) return "5s each";
  const parts = [...own].sort(([a], [b]) => a - b).map(([s, ids]) => `${s}s for ${ids.join(", ")}`);
  return `5s each (${parts.join("; ")})`;
}
const durationText = describeDurations();
const samples = new Map<string, Sample[]>();
const mismatches: string[] = [];
/** "S4V:harpia" → why the framework skipped it. */
const skipped = new Map<string, string>();
const scriptDir = await mkdtemp(path.join(tmpdir(), "harpia-bench-"));

console.log(
  `Benchmark: ${rounds} rounds × ${cases.length} scenarios × ${frameworks.length} frameworks, ${durationText}` +
    (pinned ? " (server on CPU 0, wrk on CPU 1)" : " (unpinned: fewer than 2 CPUs or no taskset)"),
);

for (let round = 0; round < rounds; round++) {
  for (const c of cases) {
    const seconds = args.duration !== undefined ? Number(args.duration) : (c.duration ?? 5);
    // Rotate the order every round so no framework always runs first or last.
    const order = frameworks.map((_, i) => frameworks[(i + round) % frameworks.length]!);
    let baseline: string | undefined;
    for (const framework of order) {
      const started = await startServer(framework, c);
      if (started.skipped !== undefined) {
        if (framework === "bun") throw new Error(`the baseline must implement ${c.id}`);
        skipped.set(`${c.id}:${framework}`, started.skipped);
        if (round === 0)
          console.log(
            `round ${round + 1} ${c.id.padEnd(8)} ${LABEL[framework].padEnd(10)} skipped: ${started.skipped}`,
          );
        continue;
      }
      const { proc, url, base } = started;
      try {
        const headers = await requestHeaders(framework, base, c);
        const script = path.join(scriptDir, `${c.id}-${framework}.lua`);
        await Bun.write(script, luaScript(c.method ?? "GET", c.body, headers));
        const got = await answer(url, c, headers);
        if (c.invalidBody !== undefined && round === 0) {
          const refused = await answer(url, { ...c, body: c.invalidBody }, headers);
          if (!/^4\d\d /.test(refused))
            mismatches.push(
              `${c.id} ${LABEL[framework]}: an invalid body got "${refused.slice(0, 80)}", not a 4xx`,
            );
        }
        if (framework === "bun") baseline = got;
        if (round === 0)
          samples.set(`answer:${c.id}:${framework}`, [{ rps: 0, p99: got, rssMb: 0, errors: 0 }]);
        await wrk(url, Number(args.warmup), script);
        const measured = await wrk(url, seconds, script);
        const sample = { ...measured, rssMb: await rssMb(proc.pid) };
        samples.set(`${c.id}:${framework}`, [...(samples.get(`${c.id}:${framework}`) ?? []), sample]);
        console.log(
          `round ${round + 1} ${c.id.padEnd(8)} ${LABEL[framework].padEnd(10)} ${sample.rps.toFixed(0).padStart(8)} req/s  p99 ${sample.p99.padStart(8)}  ${sample.rssMb.toFixed(1)} MB${sample.errors ? `  ${sample.errors} errors` : ""}`,
        );
      } finally {
        proc.kill();
        await proc.exited;
      }
    }
    if (baseline !== undefined && round === 0) {
      for (const framework of frameworks) {
        if (skipped.has(`${c.id}:${framework}`)) continue;
        const got = samples.get(`answer:${c.id}:${framework}`)?.[0]?.p99;
        if (got !== baseline) mismatches.push(`${c.id} ${LABEL[framework]}: ${difference(got, baseline)}`);
      }
    }
  }
}

interface Row {
  id: string;
  title: string;
  rps: Record<string, number>;
  ratio: Record<string, number>;
  rss: Record<string, number>;
  errors: Record<string, number>;
}

const rows: Row[] = cases.map((c) => {
  const row: Row = { id: c.id, title: c.title, rps: {}, ratio: {}, rss: {}, errors: {} };
  for (const framework of frameworks) {
    const list = samples.get(`${c.id}:${framework}`) ?? [];
    row.rps[framework] = list.length ? median(list.map((s) => s.rps)) : Number.NaN;
    row.rss[framework] = list.length ? median(list.map((s) => s.rssMb)) : Number.NaN;
    row.errors[framework] = list.reduce((n, s) => n + s.errors, 0);
  }
  for (const framework of frameworks) row.ratio[framework] = row.rps[framework]! / row.rps.bun!;
  return row;
});

const machine = machineText();
const header = `| scenario | ${frameworks.map((f) => LABEL[f]).join(" | ")} |`;
const rule = `| --- | ${frameworks.map(() => "---:").join(" | ")} |`;
const ratioLines = rows.map(
  (r) =>
    `| ${r.id}: ${r.title} | ${frameworks.map((f) => (Number.isNaN(r.ratio[f]!) ? "—" : `${r.ratio[f]!.toFixed(2)}×${r.errors[f] ? " ⚠" : ""}`)).join(" | ")} |`,
);
const memLines = rows.map(
  (r) =>
    `| ${r.id} | ${frameworks.map((f) => (Number.isNaN(r.rss[f]!) ? "—" : r.rss[f]!.toFixed(1))).join(" | ")} |`,
);
/** Throughput with many routes over throughput with 10, per framework (1.00 = flat). */
const FLATNESS: [string, string, string][] = [
  ["S6-1000", "S6-10", "1,000 routes with a parameter"],
  ["S6-10000", "S6-10", "10,000 routes with a parameter"],
  ["S6S-10000", "S6S-10", "10,000 plain routes"],
];
const rpsOf = (id: string, f: Framework) => rows.find((r) => r.id === id)?.rps[f] ?? Number.NaN;
const flatLines = FLATNESS.filter(
  ([many, few]) => cases.some((c) => c.id === many) && cases.some((c) => c.id === few),
).map(
  ([many, few, label]) =>
    `| ${label} (${many} / ${few}) | ${frameworks
      .map((f) => {
        const ratio = rpsOf(many, f) / rpsOf(few, f);
        return Number.isNaN(ratio) ? "—" : `${ratio.toFixed(2)}×`;
      })
      .join(" | ")} |`,
);
const markdown = [
  `Throughput relative to raw \`Bun.serve\` (median of ${rounds} interleaved rounds, ${durationText} after a ${args.warmup}s warm-up, ` +
    `${args.connections} connections; ${pinned ? "server and wrk pinned to separate cores" : "unpinned"}; ${machine}; ${new Date().toISOString().slice(0, 10)}).`,
  "",
  header,
  rule,
  ...ratioLines,
  "",
  "Server memory after the load (RSS, MB, median):",
  "",
  `| scenario | ${frameworks.map((f) => LABEL[f]).join(" | ")} |`,
  rule,
  ...memLines,
  "",
  ...(flatLines.length
    ? [
        "Does the cost stay flat as routes are added? Throughput with many routes over throughput with 10 (1.00 = flat):",
        "",
        `| routes | ${frameworks.map((f) => LABEL[f]).join(" | ")} |`,
        rule,
        ...flatLines,
        "",
        "Past 1,000 routes raw Bun routes by hand (a `Map` on the first path segment): Bun's native `routes` table took about a minute to build 10,000 routes and then answered a few thousand requests per second (see bench/README.md).",
        "",
      ]
    : []),
  mismatches.length
    ? `\nAnswers that differ from raw Bun's:\n${mismatches.map((m) => `- ${m}`).join("\n")}`
    : `All frameworks gave the same status, content type and body as raw Bun${cases.some((c) => c.sameHeaders || c.presentHeaders) ? " (and the headers checked: shield's, CORS, request id, rate limit)" : ""} in every scenario${skipped.size ? " they implement" : ""}${cases.some((c) => c.invalidBody) ? ", and refused invalid bodies with a 4xx" : ""}.`,
  skipped.size
    ? `\n— marks a framework that does not implement the scenario yet: ${[...skipped].map(([k, why]) => `${k.replace(":", " ")} (${why})`).join("; ")}.`
    : "",
  rows.some((r) => Object.values(r.errors).some(Boolean))
    ? "\n⚠ marks runs with non-2xx answers or socket errors."
    : "",
].join("\n");

console.log(`\n${markdown}`);

if (!args["no-write"]) {
  const out = path.join(root, "results");
  await Bun.write(path.join(out, "latest.md"), `${markdown}\n`);
  await Bun.write(
    path.join(out, "latest.json"),
    JSON.stringify({ machine, args, rows, mismatches, skipped: Object.fromEntries(skipped) }, null, 2),
  );
  const svg = renderChart(
    rows.map((r) => ({ label: r.id, values: frameworks.map((f) => r.ratio[f]!) })),
    frameworks.map((f) => LABEL[f]),
    "Throughput relative to raw Bun.serve (higher is better)",
  );
  await Bun.write(path.join(out, "latest.svg"), svg);
  renderPng(path.join(out, "latest.svg"), path.join(out, "latest.png"));
  const readme = path.join(root, "README.md");
  const text = await Bun.file(readme).text();
  const updated = text.replace(
    /<!-- results:start -->[\s\S]*<!-- results:end -->/,
    `<!-- results:start -->\n${markdown}\n<!-- results:end -->`,
  );
  await Bun.write(readme, updated);
  await writeRootTable([header, rule, ...ratioLines].join("\n"));
  console.log(
    `\nWrote ${path.relative(process.cwd(), out)}/latest.{md,json,svg,png} and the tables of bench/README.md and README.md.`,
  );
}

/** Rasterises the chart with headless Chromium when it is installed (the README shows the PNG). */
function renderPng(svg: string, png: string): void {
  const chromium = Bun.which("chromium") ?? Bun.which("chromium-browser");
  if (!chromium) {
    console.warn("Chromium not found: results/latest.png was not updated (the SVG was).");
    return;
  }
  Bun.spawnSync(
    [
      chromium,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${path.join(tmpdir(), "harpia-bench-chromium")}`,
      `--screenshot=${png}`,
      "--window-size=900,420",
      `file://${svg}`,
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
}
