/**
 * Shutting an app down: `app.close()` and `listen({ shutdownOnSignals })`. Works on what the
 * app hands it (servers, sockets, hooks, the closing state the request path reads), so the
 * app's module is not imported back.
 */
import { type CloseOptions, type ResolvedClose, resolveCloseOptions } from "../close-options";
import type { AppState } from "./state";

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
 * Closing from here on (every response `Connection: close`, handshakes refused); the drain
 * when asked; then stop accepting, let in-flight requests finish (bounded), close WebSockets
 * with 1001 and end event streams, and run the `onClose` hooks in reverse, each bounded by `hookTimeout`.
 */
export async function closeApp(state: AppState, options: ResolvedClose): Promise<void> {
  const { timeout, hookTimeout } = options;
  state.closing.closing = true;
  // Every answer now says `Connection: close`: prepared ones (static files) are taken off the servers.
  for (const refresh of state.servers.values()) refresh();
  if (options.drain > 0) {
    state.closing.keepServing = options.keepServing;
    state.closing.draining = true;
    await Bun.sleep(options.drain);
  }
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
        hookTimeout,
      );
      if (!done) state.report?.(new Error(`An onClose hook took longer than ${hookTimeout} ms`), undefined);
    } catch (error) {
      state.report?.(error, undefined);
    }
  }
}

/** WebSocket close code 1001: the server is going away (clients may reconnect elsewhere). */
const GOING_AWAY = 1001;

/** Signals `listen({ shutdownOnSignals: true })` listens for. */
const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * Checks `listen({ shutdownOnSignals })` and its close options now (before any server starts)
 * and returns what installs the handlers: on the first of the signals, it closes the app with
 * `options` and lets the process end by itself; a second signal, or the close overrunning what
 * its options allow, ends it at once.
 */
export function shutdownOnSignals(
  app: { close(options?: CloseOptions): Promise<void> },
  state: AppState,
  option: boolean | readonly NodeJS.Signals[],
  options: CloseOptions,
): () => void {
  if (option === false) return () => {};
  const signals = option === true ? DEFAULT_SIGNALS : option;
  if (!Array.isArray(signals) || signals.length === 0 || signals.some((s) => typeof s !== "string"))
    throw new TypeError("listen({ shutdownOnSignals }) takes true or a list of signal names");
  const limits = resolveCloseOptions(options, {
    timeout: "listen({ shutdownTimeout })",
    drain: "listen({ shutdownDrain })",
    hookTimeout: "listen({ shutdownHookTimeout })",
  });
  let received = false;
  const onSignal = () => {
    if (received) {
      process.exit(1);
    }
    received = true;
    // A safety net: whatever an onClose hook leaves running, the process ends.
    const hooks = Math.max(1, state.hooks.onClose.length);
    const budget = limits.drain + limits.timeout + hooks * limits.hookTimeout + 1_000;
    const force = setTimeout(() => process.exit(process.exitCode ?? 0), budget);
    force.unref?.();
    app.close(options).then(
      () => {
        for (const name of signals) process.removeListener(name, onSignal);
        process.exitCode ??= 0;
      },
      (error) => {
        state.report?.(error, undefined);
        process.exitCode = 1;
      },
    );
  };
  return () => {
    for (const name of signals) process.on(name, onSignal);
  };
}
