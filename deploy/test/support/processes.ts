/**
 * The processes of the deployment tests: app instances (`bun deploy/app/main.ts`, one process
 * per port) and an unprivileged nginx in front of them. Only the PIDs started here are ever
 * signalled, also when the test runner dies without stopping them.
 */
import { chmodSync } from "node:fs";
import path from "node:path";
import type { Subprocess } from "bun";
import { afterThisProcess, portIsFree } from "../../../scripts/topology/redis-process";
import { type NginxSettings, nginxBinary, writeStandalone } from "../../nginx/render";

const MAIN = path.join(import.meta.dir, "..", "..", "app", "main.ts");

/** Polls `probe` every `intervalMs` until it resolves true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(intervalMs);
  }
}

/** A running child process started by these helpers. */
interface Child {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  readonly output: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;
  readonly running: boolean;
}

function spawnChild(argv: string[], env: Record<string, string>, cleanupSignal: string): Child {
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(argv, {
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const orphaned = afterThisProcess(`kill -${cleanupSignal} ${child.pid} 2>/dev/null`);
  child.exited.then(() => orphaned.cancel());
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void collect(child.stdout);
  void collect(child.stderr);
  return {
    pid: child.pid,
    output: () => text,
    exited: child.exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

/** One app instance. */
export interface Instance extends Child {
  readonly port: number;
  readonly id: string;
  /** When `/readyz` first answered 200 (`performance.now()`). */
  readonly readyAt: number;
  /** Sends `signal` (default SIGTERM). */
  signal(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
}

/** Starts `bun deploy/app/main.ts` on `port` and waits until its `/readyz` answers 200. */
export async function startInstance(
  id: string,
  port: number,
  env: Record<string, string>,
  readyTimeoutMs = 15_000,
): Promise<Instance> {
  const child = spawnChild(
    [process.execPath, MAIN],
    { ...env, PORT: String(port), HOST: "127.0.0.1", INSTANCE_ID: id },
    "KILL",
  );
  const url = `http://127.0.0.1:${port}/readyz`;
  try {
    await waitUntil(
      `instance ${id} to be ready on port ${port}`,
      async () => {
        if (!child.running) throw new Error(`instance ${id} exited:\n${child.output()}`);
        const res = await fetch(url).catch(() => undefined);
        await res?.arrayBuffer();
        return res?.status === 200;
      },
      readyTimeoutMs,
    );
  } catch (error) {
    process.kill(child.pid, "SIGKILL");
    throw error;
  }
  const readyAt = performance.now();
  const signal = (name: NodeJS.Signals = "SIGTERM") => {
    if (child.running) process.kill(child.pid, name);
  };
  return {
    ...child,
    get running() {
      return child.running;
    },
    port,
    id,
    readyAt,
    signal,
    async stop(graceMs = 15_000) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      const code = await child.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** nginx in the foreground on a configuration of its own. */
export interface Nginx extends Child {
  readonly port: number;
  readonly dir: string;
  /** The error log so far. */
  errorLog(): Promise<string>;
  /** SIGTERM (fast shutdown: the master stops its workers) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Renders the deployment's nginx configuration into `dir` and runs nginx on it
 * (`-p dir -c dir/nginx.conf`, `daemon off`, logs and pid under `dir`).
 */
export async function startNginx(dir: string, settings: NginxSettings): Promise<Nginx> {
  if (nginxBinary() === "nginx" && !Bun.which("nginx"))
    throw new Error("nginx is not installed (apt-get install nginx): the deployment tests run it");
  const port = Number(String(settings.listen).split(":").at(-1));
  const { command } = writeStandalone(dir, settings, { workers: 2 });
  // Run as root, nginx's workers run as `nobody`: they must reach their temp folders.
  chmodSync(dir, 0o755);
  const child = spawnChild(command, {}, "TERM");
  const errorLog = () =>
    Bun.file(path.join(dir, "logs", "error.log"))
      .text()
      .catch(() => "");
  try {
    await waitUntil(
      `nginx to listen on ${port}`,
      async () => {
        if (!child.running) throw new Error(`nginx exited: ${child.output()}\n${await errorLog()}`);
        return !(await portIsFree(port));
      },
      5_000,
    );
  } catch (error) {
    process.kill(child.pid, "SIGKILL");
    throw error;
  }
  return {
    ...child,
    get running() {
      return child.running;
    },
    port,
    dir,
    errorLog,
    async stop() {
      if (child.running) process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => child.running && process.kill(child.pid, "SIGKILL"), 5_000);
      await child.exited;
      clearTimeout(timer);
    },
  };
}
