/**
 * Template rendering benchmark: the same page — a layout, a component per row and a loop of
 * 100 rows whose text needs escaping — rendered by @harpia/template-engine, Eta, EJS and
 * Handlebars, each used the way its documentation suggests with its cache on.
 *
 * Before measuring, every engine's output is checked to be the same page (whitespace and
 * the spelling of `&#39;` aside). Engines are interleaved over several rounds and the median
 * renders per second reported, with ratios to Eta and to Harpia.
 *
 * Usage: bun run --cwd bench bench:templates [--duration 1000] [--rounds 3] [--rows 100]
 * It is a benchmark, not a test: nothing runs it in CI.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { TemplateEngine } from "@harpia/template-engine";
import { Eta } from "eta";
import Handlebars from "handlebars";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    rows: { type: "string", default: "100" },
  },
});
const DURATION_MS = Math.min(Math.max(Number(args.duration), 50), 30_000);
const ROUNDS = Math.min(Math.max(Number(args.rounds), 1), 20);
const ROW_COUNT = Math.min(Math.max(Number(args.rows), 1), 10_000);
// Bounded in count as well as time, whatever the machine.
const MAX_RENDERS_PER_RUN = 2_000_000;

const views = path.join(import.meta.dir, "views");

/** The part of EJS this benchmark uses (the bench package has no `@types/ejs`). */
interface Ejs {
  compile(source: string, options: { filename: string; cache: boolean }): (data: object) => string;
}
// A non-literal specifier keeps TypeScript from asking for the missing declarations.
const ejsSpecifier = "ejs";
const ejs: Ejs = (await import(ejsSpecifier)).default;

interface PageData {
  title: string;
  user: { name: string };
  rows: { id: number; name: string; email: string; note: string; score: number; active: boolean }[];
}

function pageData(): PageData {
  return {
    title: "Quarterly <report> & summary",
    user: { name: 'Ada "the Countess" O\'Lovelace' },
    rows: Array.from({ length: ROW_COUNT }, (_, i) => ({
      id: i + 1,
      name: `User <${i}> & "friends"`,
      email: `user${i}@example.com`,
      note: i % 2 === 0 ? "<b>bold?</b> no: escaped" : "plain text, nothing to escape",
      score: (i * 37) % 100,
      active: i % 3 === 0,
    })),
  };
}

type Render = (data: PageData) => string | Promise<string>;

async function engines(): Promise<Record<string, Render>> {
  const harpia = new TemplateEngine({
    path: {
      views: path.join(views, "harpia/pages"),
      layouts: path.join(views, "harpia/layouts"),
      components: path.join(views, "harpia/components"),
    },
  });

  const eta = new Eta({ views: path.join(views, "eta"), cache: true });

  const ejsFile = (name: string) => path.join(views, "ejs", `${name}.ejs`);
  const ejsOptions = (name: string) => ({ filename: ejsFile(name), cache: true });
  const ejsReport = ejs.compile(await Bun.file(ejsFile("report")).text(), ejsOptions("report"));
  const ejsLayout = ejs.compile(await Bun.file(ejsFile("layout")).text(), ejsOptions("layout"));

  const handlebars = Handlebars.create();
  const hbs = (name: string) => Bun.file(path.join(views, "handlebars", `${name}.hbs`)).text();
  handlebars.registerPartial("layout", await hbs("layout"));
  handlebars.registerPartial("row", await hbs("row"));
  const handlebarsReport = handlebars.compile(await hbs("report"));

  return {
    "@harpia/template-engine": (data) => harpia.render("report", data as unknown as Record<string, unknown>),
    eta: (data) => eta.render("./report", data),
    ejs: (data) => ejsLayout({ ...data, body: ejsReport(data) }),
    handlebars: (data) => handlebarsReport(data),
  };
}

/** The page without formatting differences: whitespace and the spellings of a quote. */
function normalize(html: string): string {
  return html.replace(/\s+/g, "").replaceAll("&#x27;", "&#39;").replaceAll("&#34;", "&quot;");
}

async function measure(render: Render, data: PageData): Promise<number> {
  let count = 0;
  const start = performance.now();
  const deadline = start + DURATION_MS;
  while (count < MAX_RENDERS_PER_RUN) {
    // Check the clock every 64 renders so reading it costs nothing measurable.
    for (let i = 0; i < 64; i++) await render(data);
    count += 64;
    if (performance.now() >= deadline) break;
  }
  return (count / (performance.now() - start)) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const data = pageData();
  const all = await engines();

  // Same page everywhere, or the numbers mean nothing.
  const reference = normalize(await all["@harpia/template-engine"]!(data));
  if (!reference.includes("Quarterly&lt;report&gt;&amp;summary") || !reference.includes("User&lt;99&gt;"))
    if (ROW_COUNT >= 100) throw new Error("the reference page is not escaped as expected");
  for (const [name, render] of Object.entries(all)) {
    const page = normalize(await render(data));
    if (page !== reference) {
      const at = [...page].findIndex((c, i) => c !== reference[i]);
      throw new Error(
        `${name} renders a different page at ${at}:\n  ours: ${reference.slice(at - 40, at + 40)}\n  ${name}: ${page.slice(at - 40, at + 40)}`,
      );
    }
  }

  // Warm up every engine (JIT, caches) before measuring.
  for (const render of Object.values(all)) {
    const until = performance.now() + 300;
    for (let i = 0; i < 500 || (performance.now() < until && i < 100_000); i++) await render(data);
  }

  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(all).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no engine always runs first or last.
    const names = Object.keys(all);
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) samples[name]!.push(await measure(all[name]!, data));
  }

  const rates = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  const eta = rates.eta!;
  const ours = rates["@harpia/template-engine"]!;
  const pageKb = (reference.length / 1024).toFixed(1);
  console.log(
    `\nTemplate rendering: layout + ${ROW_COUNT} component rows with escaping (~${pageKb} KB page)`,
  );
  console.log(`Bun ${Bun.version}, ${ROUNDS} round(s) of ${DURATION_MS} ms, median renders/s\n`);
  console.log("| engine | renders/s | vs Eta | vs Harpia |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [name, rate] of Object.entries(rates).sort((a, b) => b[1] - a[1])) {
    console.log(
      `| ${name} | ${Math.round(rate).toLocaleString("en-US")} | ${(rate / eta).toFixed(2)}x | ${(rate / ours).toFixed(2)}x |`,
    );
  }
  console.log(
    `\nGoal: @harpia/template-engine at least Eta's rate — ${ours >= eta ? "met" : "not met"} (${(ours / eta).toFixed(2)}x).`,
  );
}

await main();
