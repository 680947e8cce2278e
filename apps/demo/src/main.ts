import { createDemo } from "./app";
import { optionsFromEnv } from "./settings";

/**
 * `bun run demo`: one process on `PORT` (default 3000; `0` picks a free one), memory stores
 * unless `REDIS_URL` is set. Prints one line once it serves, with its URL; the cluster
 * (`cluster.ts`) runs this file in each worker.
 *
 * SIGTERM and SIGINT close the app gracefully (`shutdownOnSignals`, through the preset): the
 * server stops accepting, requests in flight finish, WebSockets are closed with 1001, then
 * every plugin closes what it holds (telemetry's last writes, the fan-out, the stores), and the
 * process ends by itself with code 0. A second signal ends it at once.
 */
const demo = await createDemo({ ...optionsFromEnv(), shutdownOnSignals: true }).catch((error: unknown) => {
  console.error(`Harpia demo could not start: ${(error as Error)?.message ?? error}`);
  process.exit(1);
});

const url = new URL(demo.url!);
if (url.hostname === "0.0.0.0") url.hostname = "localhost";
console.log(`Harpia demo listening on ${url.origin}/`);

// A cluster worker whose primary died (killed without a chance to stop us) shuts down the same
// way as when the primary asks: with a SIGTERM, to itself.
const primary = process.env.WORKER_ID === undefined ? undefined : process.ppid;
if (primary !== undefined) {
  const watch = setInterval(() => {
    if (process.ppid === primary) return;
    clearInterval(watch);
    process.kill(process.pid, "SIGTERM");
  }, 1000);
  watch.unref();
}
