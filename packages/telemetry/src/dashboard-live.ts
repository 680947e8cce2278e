import type { HarpiaResponse } from "@harpia/core";
import { type Duration, parseDuration } from "@harpia/core/utils";

/** What a live update carries: the dashboard's data, stamped with when it was gathered. */
interface Snapshot {
  generatedAt: string;
}

/** The `live` option of the dashboard: `true`, or how often the data is pushed. */
export type LiveOption = boolean | { interval?: Duration };

/** How often a live dashboard gets fresh data by default. */
export const DEFAULT_LIVE_INTERVAL_MS = 5_000;

/** Checks `live`: the push interval in milliseconds, or `undefined` when live updates are off. */
export function liveInterval(option: unknown): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_LIVE_INTERVAL_MS;
  if (option === null || typeof option !== "object" || Array.isArray(option))
    throw new TypeError(
      `dashboard(): \`live\` must be true, false or { interval }, got ${Array.isArray(option) ? "an array" : String(option)}`,
    );
  const { interval, ...rest } = option as { interval?: Duration };
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw new TypeError(`dashboard(): unknown \`live\` option "${unknown}" (known: interval)`);
  return interval === undefined
    ? DEFAULT_LIVE_INTERVAL_MS
    : parseDuration(interval, "dashboard(): `live.interval`");
}

/** Resolves after `ms`, or as soon as `signal` aborts (its timer cleared then). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * Collects the dashboard's data at most once per half interval, whoever asks: any number of
 * open live dashboards cost the store one round of queries per period.
 */
export function sharedCollector<T extends Snapshot>(
  collect: () => Promise<T>,
  intervalMs: number,
): () => Promise<T> {
  let last: { at: number; data: Promise<T> } | undefined;
  return () => {
    const now = performance.now();
    if (last === undefined || now - last.at >= intervalMs / 2) {
      const data = collect();
      last = { at: now, data };
      // A failed round is not kept: the next ask tries again.
      data.catch(() => {
        if (last?.data === data) last = undefined;
      });
    }
    return last.data;
  };
}

/**
 * Answers with the live stream: a `summary` event with the dashboard's data at once, then every
 * `intervalMs`, until the page goes away (or the app closes). A failing collection ends the
 * stream (it is reported); the page's `EventSource` reconnects by itself.
 */
export function serveLive(res: HarpiaResponse, collect: () => Promise<Snapshot>, intervalMs: number): void {
  res.sse(async (stream) => {
    while (!stream.signal.aborted) {
      const data = await collect();
      if (!(await stream.send({ event: "summary", id: data.generatedAt, data }))) return;
      await pause(intervalMs, stream.signal);
    }
  });
}
