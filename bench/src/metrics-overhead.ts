/**
 * What `@harpia/metrics` costs per request, in process (no HTTP): the same `GET /users/:id`
 * JSON route answered through `app.fetch` without metrics and with them, rounds interleaved.
 * The scrape itself is not measured (it runs when Prometheus asks, not per request). Not part
 * of `bun run bench`.
 *
 *   bun run --cwd bench src/metrics-overhead.ts
 */
import harpia, { definePlugin } from "@harpia/core";
import { metrics } from "@harpia/metrics";

const TOKEN = "bench-token-0123456789";

function app(setup?: (a: ReturnType<typeof harpia>) => void) {
  const a = harpia({ logErrors: false });
  setup?.(a);
  a.get("/users/:id", (req, res) => res.json({ id: req.params.id, name: "Ada Lovelace", active: true }));
  return a;
}

const variants: [string, ReturnType<typeof harpia>][] = [
  ["no metrics", app()],
  [
    "timeRequests() + a no-op onResponse hook",
    app((a) =>
      a.use(definePlugin({ name: "noop", setup: (x) => x.timeRequests().addHook("onResponse", () => {}) })),
    ),
  ],
  [
    "metrics({ collectDefaultMetrics: false })",
    app((a) => a.use(metrics({ token: TOKEN, collectDefaultMetrics: false }))),
  ],
  ["metrics() (default process metrics too)", app((a) => a.use(metrics({ token: TOKEN })))],
];

const request = new Request("http://127.0.0.1:3000/users/42");
const N = 200_000;
const ROUNDS = 5;

/**
 * CPU time (user + system) per request rather than wall time: on a shared machine other
 * processes stretch the wall clock, not this process's CPU time.
 */
async function time(fetch: (r: Request) => Promise<Response>): Promise<number> {
  for (let i = 0; i < 20_000; i++) await fetch(request);
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await fetch(request);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / N;
}

const results = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, a] of variants) {
    const ns = await time(a.fetch);
    results.set(label, [...(results.get(label) ?? []), ns]);
  }
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const base = median(results.get("no metrics")!);
console.log(
  `GET /users/:id (JSON) through app.fetch, CPU time per request, median of ${ROUNDS} interleaved rounds of ${N.toLocaleString()}:`,
);
for (const [label] of variants) {
  const ns = median(results.get(label)!);
  console.log(`${label.padEnd(46)} ${ns.toFixed(0).padStart(6)} ns/request  (+${(ns - base).toFixed(0)} ns)`);
}
