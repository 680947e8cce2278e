/**
 * Where telemetry lives in the store. Everything about one UTC day sits under
 * `<prefix>d:<date>:` with a TTL of the retention period, so old days disappear on their own
 * and a day can be erased by prefix. Every entry is a counter, a hash of counters, a set or a
 * bounded list, updated with the store's atomic operations, never a document read and
 * written back: any number of instances can record into one store and the totals stay exact.
 */
export class Layout {
  constructor(readonly prefix: string) {}

  /** Prefix of every key of one day. */
  day(date: string): string {
    return `${this.prefix}d:${date}:`;
  }
  /** Prefix of every day's keys. */
  get days(): string {
    return `${this.prefix}d:`;
  }
  /** Counter: requests. */
  requests(date: string): string {
    return `${this.day(date)}requests`;
  }
  /** Counter: summed response time, in microseconds (integers add up exactly). */
  responseMicros(date: string): string {
    return `${this.day(date)}micros`;
  }
  /** Counter: requests recorded as errors. */
  errorCount(date: string): string {
    return `${this.day(date)}errors`;
  }
  /** Bounded list: the day's most recent errors. */
  errorLog(date: string): string {
    return `${this.day(date)}error-log`;
  }
  /** Hash: response-time histogram bucket → requests. */
  histogram(date: string): string {
    return `${this.day(date)}histogram`;
  }
  /** Hash: path → views. */
  views(date: string): string {
    return `${this.day(date)}views`;
  }
  /** Hash: path → summed response time (µs). */
  pathMicros(date: string): string {
    return `${this.day(date)}path-micros`;
  }
  /** Hash: path → errors. */
  pathErrors(date: string): string {
    return `${this.day(date)}path-errors`;
  }
  /** Set of paths given a field of their own, and the counter of slots handed out. */
  paths(date: string): { members: string; slots: string } {
    return { members: `${this.day(date)}paths`, slots: `${this.day(date)}path-slots` };
  }
  /** Hash: `source/medium` → visits. */
  sources(date: string): string {
    return `${this.day(date)}sources`;
  }
  /** Set of sources given a field of their own, and the counter of slots handed out. */
  sourceNames(date: string): { members: string; slots: string } {
    return { members: `${this.day(date)}source-names`, slots: `${this.day(date)}source-slots` };
  }
  /**
   * A short-lived claim on `value` of a capped dimension (`kind`): the one request that sets it
   * takes the value's slot, so concurrent requests for the same new value never hold two.
   */
  claim(date: string, kind: string, value: string): string {
    return `${this.day(date)}claim:${kind}:${value}`;
  }
  /** Counter: visitor slots handed out, one per new visitor; those up to the cap are kept. */
  visitorSlots(date: string): string {
    return `${this.day(date)}visitor-slots`;
  }
  /** Counter: requests from visitors beyond the cap. */
  untracked(date: string): string {
    return `${this.day(date)}untracked`;
  }
  /** Prefix of the per-visitor request counters of a day. */
  visitorPrefix(date: string): string {
    return `${this.day(date)}ip:`;
  }
  /** Counter: one visitor's requests that day. */
  visitor(date: string, ip: string): string {
    return `${this.visitorPrefix(date)}${ip}`;
  }
  /** Bounded list: one visitor's most recent visits that day. */
  visits(date: string, ip: string): string {
    return `${this.day(date)}visits:${ip}`;
  }

  /** Splits a visitor counter key back into its day and IP (undefined for other keys). */
  parseVisitor(key: string): { date: string; ip: string } | undefined {
    if (!key.startsWith(this.days)) return undefined;
    const rest = key.slice(this.days.length);
    const match = /^(\d{4}-\d{2}-\d{2}):ip:(.+)$/.exec(rest);
    return match ? { date: match[1]!, ip: match[2]! } : undefined;
  }
}

/** The UTC day of a moment, `YYYY-MM-DD`. */
export function dayOf(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** The `count` days ending with `today`, newest first. */
export function lastDays(today: Date, count: number): string[] {
  const out: string[] = [];
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  for (let i = 0; i < count; i++) out.push(dayOf(new Date(start - i * 86_400_000)));
  return out;
}

/** Upper bounds (ms, exclusive) of the response-time histogram; the last bucket is open. */
export const HISTOGRAM_BOUNDS = [10, 25, 50, 100, 250, 500, 1000, 2500] as const;

/** The histogram field of a response time. */
export function histogramField(milliseconds: number): string {
  for (const bound of HISTOGRAM_BOUNDS) if (milliseconds < bound) return `lt${bound}`;
  return `ge${HISTOGRAM_BOUNDS.at(-1)}`;
}

/** The field where paths or sources beyond their cap are counted together. */
export const OTHER = "(other)";
