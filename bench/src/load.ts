/**
 * What every load run here shares: the CPU pinning (server on core 0, wrk on core 1), starting a
 * server process that prints `ready <port>`, one wrk run, the server's memory, and medians.
 * Used by `run.ts` (frameworks side by side) and `ceilings.ts` (raw Bun variants).
 */
import { cpus } from "node:os";

/** True when the server and wrk can be pinned to separate cores. */
export const pinned = cpus().length >= 2 && Bun.which("taskset") !== null;
/** Command prefix pinning a server to core 0. */
export const serverPin = pinned ? ["taskset", "-c", "0"] : [];
/** Command prefix pinning wrk to core 1. */
export const loadPin = pinned ? ["taskset", "-c", "1"] : [];

/** Exits with a hint when wrk is missing. */
export function requireWrk(): void {
  if (Bun.which("wrk")) return;
  console.error("wrk is required: apt-get install -y wrk");
  process.exit(1);
}

/** A started server, or why it skipped the scenario (it printed `unsupported <why>`). */
export type Started =
  | { proc: Bun.Subprocess<"ignore", "pipe", "inherit">; port: number; skipped: undefined }
  | { skipped: string };

/**
 * Starts `argv` pinned to the server core and waits (up to 15 s) for `ready <port>` on its
 * standard output. `label` names it in errors; `cwd` is the server's working directory.
 */
export async function startServer(
  argv: string[],
  env: Record<string, string>,
  label: string,
  cwd?: string,
): Promise<Started> {
  const proc = Bun.spawn([...serverPin, ...argv], {
    cwd,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let text = "";
  const deadline = Date.now() + 15_000;
  while (!/ready (\d+)/.test(text)) {
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`${label}: server did not start`);
    }
    const { value, done } = await reader.read();
    if (value) text += new TextDecoder().decode(value);
    const skip = /^unsupported (.*)$/m.exec(text);
    if (skip) {
      await proc.exited;
      return { skipped: skip[1]! };
    }
    if (done) throw new Error(`${label}: server exited before it was ready`);
  }
  reader.releaseLock();
  return { proc, port: Number(/ready (\d+)/.exec(text)![1]), skipped: undefined };
}

/** One wrk run (one thread, pinned to the load core) with a Lua script for method, body and headers. */
export async function wrk(
  url: string,
  seconds: number,
  script: string,
  connections: number,
): Promise<{ rps: number; p99: string; errors: number }> {
  const proc = Bun.spawn(
    [...loadPin, "wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url],
    { stdout: "pipe", stderr: "pipe" },
  );
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /99%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  return { rps, p99, errors };
}

/** A wrk Lua script sending `method`, `body` and `headers`. */
export function luaScript(
  method: string,
  body: string | undefined,
  headers: Record<string, string> = {},
): string {
  const lines = [`wrk.method = "${method}"`];
  if (body) lines.push(`wrk.body = ${JSON.stringify(body)}`);
  for (const [k, v] of Object.entries(headers))
    lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  return lines.join("\n");
}

/** Resident memory of a process, in MB (0 when it is gone). */
export async function rssMb(pid: number): Promise<number> {
  // taskset execs bun in place, so the pid is the server's own.
  const status = await Bun.file(`/proc/${pid}/status`)
    .text()
    .catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The median of a non-empty list. */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** "2 × Intel(R) Xeon(R) Processor, Bun 1.4.5". */
export const machine = (): string => `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Bun ${Bun.version}`;
