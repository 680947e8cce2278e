/**
 * Measuring what a plugin costs per request in process (no HTTP), shared by
 * `logger-overhead.ts` and `metrics-overhead.ts`: the S2 route in apps that differ by one
 * setup, CPU time per request through `app.fetch`, rounds interleaved, medians printed with
 * each variant's cost over the first one.
 */
import harpia from "@harpia/core";
import { median } from "./load";

type App = ReturnType<typeof harpia>;

/** `GET /users/:id` (JSON) in an app `setup` prepared first. */
export function userApp(setup?: (app: App) => void): App {
  const app = harpia({ logErrors: false });
  setup?.(app);
  app.get("/users/:id", (req, res) => res.json({ id: req.params.id, name: "Ada Lovelace", active: true }));
  return app;
}

const request = new Request("http://127.0.0.1:3000/users/42");

/**
 * CPU time (user + system) per request rather than wall time: on a shared machine other
 * processes stretch the wall clock, not this process's CPU time.
 */
async function cpuNsPerRequest(fetch: (r: Request) => Promise<Response>, count: number): Promise<number> {
  for (let i = 0; i < 20_000; i++) await fetch(request);
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await fetch(request);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / count;
}

/** Measures every variant in interleaved rounds and prints the medians; the first is the base. */
export async function compareVariants(variants: [string, App][], rounds = 5, count = 200_000): Promise<void> {
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++)
    for (const [label, app] of variants)
      results.set(label, [...(results.get(label) ?? []), await cpuNsPerRequest(app.fetch, count)]);
  const base = median(results.get(variants[0]![0])!);
  const width = Math.max(...variants.map(([label]) => label.length)) + 2;
  console.log(
    `GET /users/:id (JSON) through app.fetch, CPU time per request, median of ${rounds} interleaved rounds of ${count.toLocaleString()}:`,
  );
  for (const [label] of variants) {
    const ns = median(results.get(label)!);
    console.log(
      `${label.padEnd(width)} ${ns.toFixed(0).padStart(6)} ns/request  (+${(ns - base).toFixed(0)} ns)`,
    );
  }
}
