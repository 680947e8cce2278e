/**
 * Starting and stopping throwaway `redis-server` processes for topology tests: no persistence,
 * loopback only, files in a temporary directory, and only the PIDs started here are ever
 * signalled (also when the parent exits without stopping them).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** One `redis-server` (data node or sentinel) started by this module. */
export interface RedisProcess {
  readonly port: number;
  readonly pid: number;
  /** Whether the process is still running. */
  readonly running: boolean;
  /** Sends SIGKILL (at once, no shutdown) and waits until the process is gone. */
  kill(): Promise<void>;
  /** Freezes the process (SIGSTOP): its sockets stay open, nothing is answered. */
  pause(): void;
  /** Unfreezes it (SIGCONT). */
  resume(): void;
}

/**
 * Runs `cleanup` (a shell command) once this process is gone, however it ends: `bun test`
 * emits no `exit` event, and a runner killed by SIGKILL runs no handler at all. A small shell
 * loop polls this process's PID; `cancel()` stops it when the cleanup was done normally.
 */
export function afterThisProcess(cleanup: string): { cancel(): void } {
  const watcher = Bun.spawn(
    ["bash", "-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done; ${cleanup}`],
    { stdin: "ignore", stdout: "ignore", stderr: "ignore" },
  );
  watcher.unref();
  return { cancel: () => watcher.kill("SIGKILL") };
}

/** A temporary directory for one topology's config, node and log files. */
export function scratchDirectory(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `harpia-${label}-`));
  const orphaned = afterThisProcess(`rm -rf '${dir}'`);
  return {
    dir,
    remove: () => {
      orphaned.cancel();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when nothing listens on 127.0.0.1:`port` (a connection is refused). */
export async function portIsFree(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return false;
  } catch {
    return true;
  }
}

/** Throws a clear error naming the first port already in use. */
export async function assertPortsFree(ports: number[], envName: string): Promise<void> {
  for (const port of ports) {
    if (!(await portIsFree(port)))
      throw new Error(
        `Port ${port} on 127.0.0.1 is already in use: stop what listens there or set ${envName} to another base port`,
      );
  }
}

/** A port from an environment variable, else `fallback`. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 55_000)
    throw new RangeError(`${name} must be an integer port between 1024 and 55000, got "${raw}"`);
  return port;
}

/** Runs `redis-cli` and returns its output; throws on a non-zero exit. */
export function redisCli(args: string[], timeoutMs = 5000): string {
  const result = Bun.spawnSync(["redis-cli", ...args], { timeout: timeoutMs, stderr: "pipe" });
  const out = result.stdout.toString();
  if (result.exitCode !== 0)
    throw new Error(`redis-cli ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}${out}`);
  return out;
}

/** `redis-cli -p port args...`, or `undefined` when the server does not answer. */
export function ask(port: number, ...args: string[]): string | undefined {
  try {
    return redisCli(["-h", "127.0.0.1", "-p", String(port), ...args], 2000);
  } catch {
    return undefined;
  }
}

/** Parses `INFO`/`CLUSTER INFO` output into fields. */
export function fields(info: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const line of (info ?? "").split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

/** Polls `probe` every `intervalMs` until it is true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => boolean, timeoutMs: number, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(intervalMs);
  }
}

/**
 * Starts `redis-server` with `args` (after an optional config file) on `port` and waits until
 * it answers PING. Persistence is always off.
 */
export async function startRedis(
  port: number,
  dir: string,
  args: string[],
  configFile?: string,
): Promise<RedisProcess> {
  const argv = [
    "redis-server",
    ...(configFile ? [configFile] : []),
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "no",
    "--daemonize",
    "no",
    "--dir",
    dir,
    "--logfile",
    path.join(dir, `${port}.log`),
    ...args,
  ];
  const child = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe" });
  // Killed with this process if it ends without stopping it (only this PID, never by name).
  const orphaned = afterThisProcess(
    `kill -CONT ${child.pid} 2>/dev/null; kill -KILL ${child.pid} 2>/dev/null`,
  );
  child.exited.then(() => orphaned.cancel());
  try {
    await waitFor(`redis-server on port ${port}`, () => ask(port, "PING")?.trim() === "PONG", 5000, 25);
  } catch (error) {
    child.kill("SIGKILL");
    const stderr = await new Response(child.stderr as ReadableStream).text().catch(() => "");
    throw new Error(`${(error as Error).message}${stderr ? `: ${stderr}` : ""}`);
  }
  return {
    port,
    pid: child.pid,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
      }
      await child.exited;
    },
    pause() {
      child.kill("SIGSTOP");
    },
    resume() {
      child.kill("SIGCONT");
    },
  };
}

/** Settings shared by every data node: nothing written to disk. */
export const NO_PERSISTENCE = [
  "--save",
  "",
  "--appendonly",
  "no",
  // Replicas sync at once (the default waits 5 s for more replicas to share one transfer).
  "--repl-diskless-sync-delay",
  "0",
];
