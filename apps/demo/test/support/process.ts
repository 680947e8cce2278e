import type { RedisStore } from "@harpia/store-redis";
import type { Subprocess } from "bun";

/** A demo process started by a test, with everything it printed so far. */
export interface DemoProcess {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  /** What it printed on stdout and stderr. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout (rejects on timeout or exit). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves with its exit code, or `undefined` if it is still running after `timeoutMs`. */
  exitWithin(timeoutMs: number): Promise<number | undefined>;
  /** SIGKILL if it still runs (for `afterAll`). */
  kill(): Promise<void>;
}

/** Starts `bun <script>` in `cwd` with `env` added, its output collected as it comes. */
export function spawnDemo(script: string, cwd: string, env: Record<string, string>): DemoProcess {
  const proc = Bun.spawn([process.execPath, script], {
    cwd,
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  let err = "";
  // Drained for the whole run, so a full pipe never blocks the process.
  void (async () => {
    for await (const chunk of proc.stdout) out += new TextDecoder().decode(chunk);
  })();
  void (async () => {
    for await (const chunk of proc.stderr) err += new TextDecoder().decode(chunk);
  })();
  const exitWithin = (timeoutMs: number) =>
    Promise.race([proc.exited, Bun.sleep(timeoutMs).then(() => undefined)]);
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (Date.now() > deadline || proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`${script} did not print ${pattern}; stdout:\n${out}\nstderr:\n${err}`);
        await Bun.sleep(25);
      }
    },
    exitWithin,
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** Whether a process with this id is running (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The names of the connections Redis has open (`CLIENT LIST`), through a store's client. */
export async function redisClientNames(store: RedisStore): Promise<string[]> {
  const list = String(await store.client.call("CLIENT", "LIST"));
  return list
    .split("\n")
    .map((line) => / name=(\S*)/.exec(line)?.[1] ?? "")
    .filter((name) => name !== "");
}

/**
 * A request the server is in the middle of: a `POST` whose headers are sent with
 * `Expect: 100-continue` and whose body is held back. The server's `100 Continue` proves the
 * demo's handler runs (and waits for the body); `finish()` sends the body and resolves with the
 * raw HTTP response once the server closes the connection.
 */
export async function requestInFlight(
  url: URL,
  pathname: string,
  body: string,
  contentType = "application/json",
): Promise<{ finish(): Promise<string> }> {
  let received = "";
  let closed: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const socket = await Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      data(_socket, chunk) {
        received += new TextDecoder().decode(chunk);
      },
      close: () => closed(),
      error: () => closed(),
    },
  });
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${contentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
  );
  const deadline = Date.now() + 5_000;
  while (!received.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
    if (Date.now() > deadline)
      throw new Error(`No 100 Continue for ${pathname}; got ${JSON.stringify(received)}`);
    await Bun.sleep(10);
  }
  return {
    async finish() {
      socket.write(body);
      await Promise.race([ended, Bun.sleep(5_000)]);
      socket.end();
      return received.slice("HTTP/1.1 100 Continue\r\n\r\n".length);
    },
  };
}

/** Polls until a new connection to `url` is refused (bounded); true when it was. */
export async function refusesConnections(url: URL, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(new URL("/healthz", url), { headers: { connection: "close" } });
      await res.arrayBuffer();
    } catch {
      return true;
    }
    await Bun.sleep(20);
  }
  return false;
}
