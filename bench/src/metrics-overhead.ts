/**
 * What `@harpia/metrics` costs per request, in process (no HTTP): the same `GET /users/:id`
 * JSON route answered through `app.fetch` without metrics and with them, rounds interleaved.
 * The scrape itself is not measured (it runs when Prometheus asks, not per request). Not part
 * of `bun run bench`.
 *
 *   bun run --cwd bench src/metrics-overhead.ts
 */
import { definePlugin } from "@harpia/core";
import { metrics } from "@harpia/metrics";
import { compareVariants, userApp } from "./in-process";

const TOKEN = "bench-token-0123456789";

const variants: Parameters<typeof compareVariants>[0] = [
  ["no metrics", userApp()],
  [
    "timeRequests() + a no-op onResponse hook",
    userApp((a) =>
      a.use(definePlugin({ name: "noop", setup: (x) => x.timeRequests().addHook("onResponse", () => {}) })),
    ),
  ],
  [
    "metrics({ collectDefaultMetrics: false })",
    userApp((a) => a.use(metrics({ token: TOKEN, collectDefaultMetrics: false }))),
  ],
  ["metrics() (default process metrics too)", userApp((a) => a.use(metrics({ token: TOKEN })))],
];

await compareVariants(variants);
