import { createDemo } from "./app";
import { optionsFromEnv } from "./settings";

/**
 * `bun run demo`: one process on `PORT` (default 3000), memory stores unless `REDIS_URL` is set.
 * Prints one line once it serves; the cluster (`cluster.ts`) runs this file in each worker.
 */
const demo = await createDemo(optionsFromEnv()).catch((error: unknown) => {
  console.error(`Harpia demo could not start: ${(error as Error)?.message ?? error}`);
  process.exit(1);
});

const url = new URL(demo.url!);
if (url.hostname === "0.0.0.0") url.hostname = "localhost";
console.log(`Harpia demo listening on ${url.origin}/`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await demo.stop();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

// A cluster worker whose primary died (killed without a chance to stop us) stops too.
const primary = process.env.WORKER_ID === undefined ? undefined : process.ppid;
if (primary !== undefined) {
  setInterval(() => {
    if (process.ppid !== primary) void shutdown();
  }, 1000).unref();
}
