import path from "node:path";
import type { Subprocess } from "bun";

/**
 * `bun run demo:cluster`: several worker processes of the demo (`main.ts`) on one port, with
 * `reusePort` (the kernel spreads connections over them), sharing everything through Redis:
 * sessions, CSRF tokens, users, notes, books, the cache, telemetry and the chat's messages.
 *
 * `REDIS_URL` is required (one process's memory cannot be shared). `WORKERS` (default 2), `PORT`
 * (default 3000; `0` picks a free one), `HOST`, and every variable of `main.ts` apply. A worker
 * that dies is restarted (at most {@link MAX_RESTARTS} times a minute).
 *
 * Shutting down: this process runs no app, it supervises. On SIGINT or SIGTERM it sends each
 * worker one SIGTERM, which the worker's own `shutdownOnSignals` turns into `app.close()` (stop
 * accepting, finish requests in flight, close WebSockets with 1001, telemetry, the fan-out and
 * the Redis connections), and exits once they all have: with code 0 when every worker exited
 * with 0. Workers run in a process group of their own, so a Ctrl-C in the terminal reaches this
 * process only, and each worker gets exactly one signal (a second one would end it at once).
 */

const MAX_WORKERS = 64;
const MAX_RESTARTS = 5;
const READY_TIMEOUT_MS = 20_000;
/** Past a worker's own bound (10 s to drain, then its onClose hooks; forced at 21 s): SIGKILL. */
const STOP_TIMEOUT_MS = 25_000;
const MAIN = path.join(import.meta.dir, "main.ts");

function fail(message: string): never {
  console.error(`demo:cluster: ${message}`);
  process.exit(1);
}

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  fail(
    "REDIS_URL is not set. The workers share sessions, users and chat messages through Redis; start one " +
      "(e.g. `redis-server`) and run `REDIS_URL=redis://127.0.0.1:6379 bun run demo:cluster`. " +
      "For a single process without Redis, use `bun run demo`.",
  );
}
const workerCount = Number(process.env.WORKERS ?? 2);
if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > MAX_WORKERS)
  fail(`WORKERS must be a whole number from 1 to ${MAX_WORKERS}, got ${process.env.WORKERS}`);
const hostname = process.env.HOST ?? "0.0.0.0";
const port = choosePort(Number(process.env.PORT ?? 3000));

/** Workers must all bind the same port, so `0` is resolved here, once. */
function choosePort(requested: number): number {
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) fail(`Invalid PORT: ${requested}`);
  if (requested !== 0) return requested;
  const probe = Bun.listen({ hostname, port: 0, socket: { data() {} } });
  const free = probe.port;
  probe.stop(true);
  return free;
}

interface Worker {
  id: number;
  process: Subprocess<"ignore", "pipe", "pipe">;
  ready: boolean;
  restarts: number[];
}

const workers = new Map<number, Worker>();
let stopping = false;
let announced = false;

/** Forwards a worker's output line by line with its id; reports its "listening on" line as ready. */
async function pipeLines(stream: ReadableStream<Uint8Array>, id: number, sink: NodeJS.WriteStream) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
      const worker = workers.get(id);
      if (sink === process.stdout && worker && !worker.ready && line.includes("listening on")) {
        worker.ready = true;
        console.log(`[worker ${id}] ready (pid ${worker.process.pid})`);
        announceWhenAllReady();
      } else {
        sink.write(`[worker ${id}] ${line}\n`);
      }
    }
  }
  if (pending) sink.write(`[worker ${id}] ${pending}\n`);
}

function spawnWorker(id: number, restarts: number[] = []): void {
  const child = Bun.spawn([process.execPath, MAIN], {
    env: { ...process.env, PORT: String(port), HOST: hostname, REUSE_PORT: "1", WORKER_ID: String(id) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // Its own process group: terminal signals go to this process, which relays one SIGTERM.
    detached: true,
  });
  const worker: Worker = { id, process: child, ready: false, restarts };
  workers.set(id, worker);
  void pipeLines(child.stdout, id, process.stdout);
  void pipeLines(child.stderr, id, process.stderr);
  void child.exited.then((code) => onExit(worker, code));
}

function onExit(worker: Worker, code: number): void {
  if (stopping) return;
  if (!announced) {
    void stopAll(1, `worker ${worker.id} exited (code ${code}) before the cluster was ready`);
    return;
  }
  const now = Date.now();
  const recent = worker.restarts.filter((at) => now - at < 60_000);
  if (recent.length >= MAX_RESTARTS) {
    void stopAll(1, `worker ${worker.id} keeps exiting (code ${code}); stopping the cluster`);
    return;
  }
  console.error(`demo:cluster: worker ${worker.id} exited (code ${code}); restarting it`);
  spawnWorker(worker.id, [...recent, now]);
}

function announceWhenAllReady(): void {
  if (announced || [...workers.values()].some((w) => !w.ready)) return;
  announced = true;
  clearTimeout(readyTimer);
  const shown = hostname === "0.0.0.0" ? "localhost" : hostname.includes(":") ? `[${hostname}]` : hostname;
  console.log(`Harpia demo cluster of ${workerCount} workers listening on http://${shown}:${port}/`);
}

/**
 * Asks every worker to shut down (one SIGTERM each: they close gracefully by themselves) and
 * exits once they have: with `exitCode`, or 1 if a worker did not exit cleanly.
 */
async function stopAll(exitCode: number, reason?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearTimeout(readyTimer);
  if (reason) console.error(`demo:cluster: ${reason}`);
  const running = [...workers.values()];
  for (const worker of running) worker.process.kill("SIGTERM");
  const timer = setTimeout(() => {
    console.error(`demo:cluster: workers still running after ${STOP_TIMEOUT_MS / 1000} s; killing them`);
    for (const worker of running) worker.process.kill("SIGKILL");
  }, STOP_TIMEOUT_MS);
  const codes = await Promise.all(running.map((worker) => worker.process.exited));
  clearTimeout(timer);
  let clean = true;
  running.forEach((worker, i) => {
    if (codes[i] === 0) return;
    clean = false;
    console.error(`demo:cluster: worker ${worker.id} exited with code ${codes[i]} while stopping`);
  });
  process.exit(clean ? exitCode : 1);
}

const readyTimer = setTimeout(
  () => void stopAll(1, `the workers were not ready within ${READY_TIMEOUT_MS / 1000} s`),
  READY_TIMEOUT_MS,
);

// Relayed to the workers (see above); a second signal while they shut down changes nothing.
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

for (let id = 1; id <= workerCount; id++) spawnWorker(id);
