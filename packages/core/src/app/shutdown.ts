/**
 * Shutting an app down: `app.close()` and `listen({ shutdownOnSignals })`. Works on what the
 * app hands it (servers, sockets, hooks), so the app's module is not imported back.
 */
import type { AppState } from "./state";

/** Options of `app.close()`. */
export interface CloseOptions {
  /**
   * Milliseconds in-flight requests get to finish, and each `onClose` hook gets to run
   * (default 10,000). Requests still running then are cut.
   */
  timeout?: number;
}

const DEFAULT_TIMEOUT = 10_000;
/** WebSocket close code 1001: the server is going away (clients may reconnect elsewhere). */
const GOING_AWAY = 1001;

/** The close timeout, checked: a positive number of milliseconds. */
export function checkTimeout(timeout: number | undefined): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT;
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0)
    throw new TypeError(`close({ timeout }) must be a number of milliseconds, got ${String(timeout)}`);
  return timeout;
}

/** Resolves with `true` when `work` settles within `ms`, `false` otherwise (never rejects). */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stop accepting, drain (bounded), close WebSockets with 1001 and end event streams (their
 * clients reconnect, elsewhere), then the `onClose` hooks in reverse.
 */
export async function closeApp(state: AppState, timeout: number): Promise<void> {
  const servers = [...state.servers.keys()];
  state.servers.clear();
  // New connections are refused from here on; requests already read run to their end.
  const drained = Promise.all(servers.map((server) => server.stop(false)));
  // WebSockets and event streams would hold the drain open for as long as their clients like.
  state.sockets.closeAll(GOING_AWAY, "Server shutting down");
  state.config.context.streams?.closeAll();
  if (!(await within(drained, timeout))) {
    await Promise.all(servers.map((server) => server.stop(true)));
  }
  for (const server of servers) state.sockets.forget(server);
  const hooks = [...state.hooks.onClose].reverse();
  for (const hook of hooks) {
    try {
      const done = await within(
        Promise.resolve().then(() => hook()),
        timeout,
      );
      if (!done) state.report?.(new Error(`An onClose hook took longer than ${timeout} ms`), undefined);
    } catch (error) {
      state.report?.(error, undefined);
    }
  }
}

/** Signals `listen({ shutdownOnSignals: true })` listens for. */
const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * On the first of `signals`, closes the app and lets the process end by itself; a second
 * signal, or the close taking longer than its timeout, ends it at once.
 */
export function shutdownOnSignals(
  app: { close(options?: CloseOptions): Promise<void> },
  report: AppState["report"],
  option: boolean | readonly NodeJS.Signals[],
  timeout: number | undefined,
): void {
  if (option === false) return;
  const signals = option === true ? DEFAULT_SIGNALS : option;
  if (!Array.isArray(signals) || signals.length === 0 || signals.some((s) => typeof s !== "string"))
    throw new TypeError("listen({ shutdownOnSignals }) takes true or a list of signal names");
  const limit = checkTimeout(timeout);
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      process.exit(1);
    }
    received = true;
    // A safety net: whatever an onClose hook leaves running, the process ends.
    const force = setTimeout(() => process.exit(process.exitCode ?? 0), 2 * limit + 1_000);
    force.unref?.();
    app.close({ timeout: limit }).then(
      () => {
        for (const name of signals) process.removeListener(name, onSignal);
        process.exitCode ??= 0;
      },
      (error) => {
        report?.(error, undefined);
        process.exitCode = 1;
      },
    );
    void signal;
  };
  for (const name of signals) process.on(name, onSignal);
}
