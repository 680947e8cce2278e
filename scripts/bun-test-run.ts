/**
 * Runs `bun test` as a child process, streaming its output, and reads Bun's summary lines
 * (` 12 pass`, ` 0 fail`) from it, as scripts/test.ts does (which could share it).
 */

/** Passed and failed tests of one run. */
export interface TestTotals {
  passed: number;
  failed: number;
}

/** Reads Bun's summary lines from a test run's output; `undefined` when there are none. */
export function summarize(output: string): TestTotals | undefined {
  const pass = [...output.matchAll(/^\s*(\d+) pass$/gm)].at(-1);
  const fail = [...output.matchAll(/^\s*(\d+) fail$/gm)].at(-1);
  if (!pass && !fail) return undefined;
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

/** Copies a child's stream to `sink` and returns everything it wrote. */
export async function pipeThrough(
  stream: ReadableStream<Uint8Array>,
  sink: NodeJS.WriteStream,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    sink.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  return text;
}

/** Outcome of one `bun test` process. */
export interface TestRun {
  totals: TestTotals | undefined;
  exitCode: number | null;
  timedOut: boolean;
}

/**
 * Runs `command` in `cwd` with extra `env`, streaming its output; kills it (by its PID) after
 * `timeoutMs`.
 */
export async function runTests(
  command: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<TestRun> {
  const proc = Bun.spawn(command, {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, FORCE_COLOR: "0", ...env },
  });
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          proc.kill("SIGKILL");
        }, timeoutMs);
  const [out, err] = await Promise.all([
    pipeThrough(proc.stdout, process.stdout),
    pipeThrough(proc.stderr, process.stderr),
  ]);
  const exitCode = await proc.exited;
  clearTimeout(timer);
  return { totals: summarize(`${out}\n${err}`), exitCode, timedOut };
}
