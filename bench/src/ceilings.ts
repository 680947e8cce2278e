/**
 * Ceilings: how close raw `Bun.serve` itself gets to a target when written by hand with the work
 * the scenario implies. Each group has a baseline (the bench's raw answer) and variants adding
 * one piece of that work; the ratios say what no framework on Bun can beat on this machine.
 *
 * - S3: five `async (…, next) => { await next() }` levels around S2, composed the way Koa and
 *   Hono do (a rejection propagates through `await next()`) and the way Harpia guarantees (an
 *   error is answered where it happens: one more promise step per level).
 * - S4: `req.json()` against reading the text and parsing it, and against the checks Harpia's
 *   body policy makes (media type, declared length, UTF-8, depth).
 *
 *   bun run --cwd bench ceilings [--rounds 3] [--duration 4] [--connections 64] [--no-write]
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { luaScript, machine, median, pinned, requireWrk, startServer, wrk } from "./load";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "4" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "64" },
    "no-write": { type: "boolean", default: false },
  },
});

/** One raw variant of `servers/raw/ceilings.ts`. */
interface Variant {
  id: string;
  title: string;
}

/** A target's variants; the first is the baseline the others are divided by. */
interface Group {
  target: string;
  path: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  variants: Variant[];
}

const GROUPS: Group[] = [
  {
    target: "S3 (5 async middlewares) ≥ 0.90×",
    path: "/users/42",
    variants: [
      { id: "S2-sync", title: "S2 answered synchronously (the bench's raw S2 and S3)" },
      { id: "S2-async", title: "the same from an `async` handler" },
      { id: "S3-propagating", title: "5 `await next()` levels, errors propagate (Koa, Hono)" },
      { id: "S3-guarded", title: "5 `await next()` levels, each error answered where it happens (Harpia)" },
    ],
  },
  {
    target: "S4 (POST JSON echo) ≥ 1.0×",
    path: "/echo",
    method: "POST",
    body: JSON.stringify({ name: "Ada", tags: ["math", "engines"], n: 1815 }),
    headers: { "content-type": "application/json" },
    variants: [
      { id: "S4-json", title: "`Response.json(await req.json())` (the bench's raw S4)" },
      { id: "S4-text", title: "`JSON.parse(await req.text())`" },
      {
        id: "S4-guarded",
        title: "plus Harpia's body checks: media type (415), declared length (413), UTF-8 and depth (400)",
      },
    ],
  },
];

requireWrk();
const rounds = Number(args.rounds);
const seconds = Number(args.duration);
const connections = Number(args.connections);
const server = path.join(import.meta.dir, "servers", "raw", "ceilings.ts");
const scripts = await mkdtemp(path.join(tmpdir(), "harpia-ceilings-"));
const samples = new Map<string, number[]>();

console.log(
  `Ceilings: ${rounds} rounds, ${seconds}s each${pinned ? " (server on CPU 0, wrk on CPU 1)" : " (unpinned)"}`,
);
for (let round = 0; round < rounds; round++) {
  for (const group of GROUPS) {
    const script = path.join(scripts, `${group.variants[0]!.id}.lua`);
    await Bun.write(script, luaScript(group.method ?? "GET", group.body, group.headers));
    // Rotate the order every round so no variant always runs first.
    const order = group.variants.map((_, i) => group.variants[(i + round) % group.variants.length]!);
    for (const variant of order) {
      const started = await startServer(["bun", server, variant.id, "0"], {}, variant.id);
      if (started.skipped !== undefined) throw new Error(`${variant.id} skipped: ${started.skipped}`);
      try {
        const url = `http://127.0.0.1:${started.port}${group.path}`;
        const check = await fetch(url, { method: group.method, body: group.body, headers: group.headers });
        if (check.status !== 200) throw new Error(`${variant.id} answered ${check.status}`);
        await check.arrayBuffer();
        await wrk(url, Number(args.warmup), script, connections);
        const { rps, errors } = await wrk(url, seconds, script, connections);
        if (errors) throw new Error(`${variant.id}: ${errors} errors under load`);
        samples.set(variant.id, [...(samples.get(variant.id) ?? []), rps]);
        console.log(`round ${round + 1} ${variant.id.padEnd(16)} ${rps.toFixed(0).padStart(8)} req/s`);
      } finally {
        started.proc.kill();
        await started.proc.exited;
      }
    }
  }
}

const lines = [
  `Raw \`Bun.serve\` written by hand, as ratios to each group's first line (median of ${rounds} interleaved rounds, ` +
    `${seconds}s each after a ${args.warmup}s warm-up, ${connections} connections; ${pinned ? "server and wrk pinned to separate cores" : "unpinned"}; ${machine()}; ${new Date().toISOString().slice(0, 10)}).`,
];
for (const group of GROUPS) {
  const base = median(samples.get(group.variants[0]!.id)!);
  lines.push("", `| ${group.target} | ratio |`, "| --- | ---: |");
  for (const variant of group.variants)
    lines.push(`| ${variant.title} | ${(median(samples.get(variant.id)!) / base).toFixed(2)}× |`);
}
const markdown = lines.join("\n");
console.log(`\n${markdown}`);

if (!args["no-write"]) {
  const root = path.resolve(import.meta.dir, "..");
  await Bun.write(path.join(root, "results", "ceilings.md"), `${markdown}\n`);
  const readme = path.join(root, "README.md");
  const text = await Bun.file(readme).text();
  if (!text.includes("<!-- ceilings:start -->")) throw new Error("bench/README.md has no ceilings markers");
  await Bun.write(
    readme,
    text.replace(
      /<!-- ceilings:start -->[\s\S]*<!-- ceilings:end -->/,
      `<!-- ceilings:start -->\n${markdown}\n<!-- ceilings:end -->`,
    ),
  );
  console.log("\nWrote results/ceilings.md and the ceilings table of bench/README.md.");
}
