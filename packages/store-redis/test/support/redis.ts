// Helpers for Redis tests: a real Redis, never a mock.
import type { Subprocess } from "bun";

/** The Redis the tests use: `REDIS_URL`, default `redis://127.0.0.1:6379`. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix unique to one test run, so runs never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomUUID()}:`;
}

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

/** Polls `probe` until it returns true, at most `attempts` times `intervalMs` apart. */
export async function eventually(
  probe: () => Promise<boolean>,
  attempts = 100,
  intervalMs = 50,
): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return true;
    await Bun.sleep(intervalMs);
  }
  return false;
}

/** A throwaway `redis-server` without persistence, on its own port, for outage tests. */
export class ScratchRedis {
  private process: Subprocess | undefined;
  readonly port = freePort();

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits until it answers PING. */
  async start(): Promise<void> {
    this.process = Bun.spawn(
      [
        "redis-server",
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      { stdout: "ignore", stderr: "ignore" },
    );
    const up = await eventually(async () => {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port: this.port, socket: { data() {} } });
      socket.end();
      return true;
    });
    if (!up) throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Freezes the server: its socket stays open but nothing is answered. */
  pause(): void {
    this.process?.kill("SIGSTOP");
  }

  /** Unfreezes a paused server. */
  resume(): void {
    this.process?.kill("SIGCONT");
  }

  /** Kills the server at once (its data is gone: no persistence). */
  async kill(): Promise<void> {
    const running = this.process;
    this.process = undefined;
    if (!running) return;
    running.kill("SIGCONT");
    running.kill("SIGKILL");
    await running.exited;
  }
}
