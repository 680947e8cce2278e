/**
 * What the JSON access log costs per request, in process (no HTTP): the same `GET /users/:id`
 * JSON route answered through `app.fetch` without a logger and with each piece of one, rounds
 * interleaved. Not part of `bun run bench`.
 *
 *   bun run --cwd bench src/logger-overhead.ts
 */
import harpia, { definePlugin, logger } from "@harpia/core";
import pino from "pino";

function app(setup?: (a: ReturnType<typeof harpia>) => void) {
  const a = harpia({ logErrors: false });
  setup?.(a);
  a.get("/users/:id", (req, res) => res.json({ id: req.params.id, name: "Ada Lovelace", active: true }));
  return a;
}

const variants: [string, ReturnType<typeof harpia>][] = [
  ["no logger", app()],
  ["app.timeRequests() only", app((a) => a.timeRequests())],
  [
    "a no-op onRequest hook (what timing used to need)",
    app((a) => a.use(definePlugin({ name: "noop-request", setup: (x) => x.addHook("onRequest", () => {}) }))),
  ],
  [
    "a no-op onResponse hook",
    app((a) => a.use(definePlugin({ name: "noop", setup: (x) => x.addHook("onResponse", () => {}) }))),
  ],
  ['logger({ format: "json", sink: noop })', app((a) => a.use(logger({ format: "json", sink: () => {} })))],
  ['logger({ format: "json", write: noop })', app((a) => a.use(logger({ format: "json", write: () => {} })))],
  [
    'logger({ format: "json", sink: pino(noop stream) })',
    app((a) => a.use(logger({ format: "json", sink: pino({}, { write() {} }) }))),
  ],
  ['logger({ format: "dev", write: noop })', app((a) => a.use(logger({ write: () => {} })))],
];

const request = new Request("http://127.0.0.1:3000/users/42");
const N = 200_000;

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
for (let round = 0; round < 5; round++) {
  for (const [label, a] of variants) {
    const ns = await time(a.fetch);
    results.set(label, [...(results.get(label) ?? []), ns]);
  }
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const base = median(results.get("no logger")!);
console.log(
  `GET /users/:id (JSON) through app.fetch, CPU time per request, median of 5 interleaved rounds of ${N.toLocaleString()}:`,
);
for (const [label] of variants) {
  const ns = median(results.get(label)!);
  console.log(`${label.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns/request  (+${(ns - base).toFixed(0)} ns)`);
}
