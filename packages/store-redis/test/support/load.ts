// A bounded write load on app instances, recorded request by request, and the figures and
// acknowledged writes drawn from it.
import type { RedisStore } from "../../src/index";

/** One request of the load: when it started and ended (ms since the load began) and its status. */
export interface Sample {
  start: number;
  end: number;
  /** HTTP status, or 0 when the request did not complete within `requestTimeoutMs`. */
  status: number;
  retryAfter: string | null;
}

/** What a load run saw. */
export interface LoadReport {
  samples: Sample[];
  /** Ids of documents whose write was answered 200, with the value written. */
  acknowledgedDocs: Map<string, number>;
  /** Per counter, how many increments were answered 200. */
  acknowledgedIncrements: Map<string, number>;
  /** When the fault was injected (ms since the load began). */
  faultAt: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Concurrent clients (default 16). */
  clients?: number;
  /** Load before the fault (default 400 ms). */
  warmupMs?: number;
  /** Injects the fault; the load goes on meanwhile. */
  fault: () => Promise<unknown>;
  /** The load stops once every request has succeeded for this long after the fault (default 1500 ms)… */
  steadyMs?: number;
  /** …or this long after the fault at the latest (default 15 s). */
  maxAfterFaultMs?: number;
  /** A request still unanswered after this long counts as hung (default 3000 ms). */
  requestTimeoutMs?: number;
  /** Pause of a client after a 503, as a client honouring Retry-After briefly would (default 20 ms). */
  backoffMs?: number;
}

/**
 * Runs writes (new documents and counter increments on keys spread over every slot) from
 * `clients` concurrent loops spread over the app instances at `bases`, injects `fault` after
 * the warm-up, and stops once the service has been steady again for `steadyMs` (bounded by
 * `maxAfterFaultMs`).
 */
export async function runLoad(bases: URL[], options: LoadOptions): Promise<LoadReport> {
  const clients = options.clients ?? 16;
  const steadyMs = options.steadyMs ?? 1500;
  const requestTimeout = options.requestTimeoutMs ?? 3000;
  const backoff = options.backoffMs ?? 20;
  const began = performance.now();
  const now = () => performance.now() - began;
  const report: LoadReport = {
    samples: [],
    acknowledgedDocs: new Map(),
    acknowledgedIncrements: new Map(),
    faultAt: Number.POSITIVE_INFINITY,
  };
  let lastFailure = 0;
  let stop = false;

  const request = async (base: URL, path: string, init: RequestInit): Promise<Sample> => {
    const start = now();
    try {
      const response = await fetch(new URL(path, base), {
        ...init,
        signal: AbortSignal.timeout(requestTimeout),
      });
      await response.arrayBuffer();
      return { start, end: now(), status: response.status, retryAfter: response.headers.get("retry-after") };
    } catch {
      return { start, end: now(), status: 0, retryAfter: null };
    }
  };

  const client = async (id: number) => {
    const base = bases[id % bases.length]!;
    for (let i = 0; !stop; i++) {
      let sample: Sample;
      if (i % 2 === 0) {
        const doc = `${id}-${i}`;
        sample = await request(base, `/docs/${doc}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ n: i }),
        });
        if (sample.status === 200) report.acknowledgedDocs.set(doc, i);
      } else {
        const counter = `c${(id * 7 + i) % 24}`;
        sample = await request(base, `/counters/${counter}`, { method: "POST" });
        if (sample.status === 200)
          report.acknowledgedIncrements.set(counter, (report.acknowledgedIncrements.get(counter) ?? 0) + 1);
      }
      report.samples.push(sample);
      if (sample.status !== 200) {
        lastFailure = Math.max(lastFailure, sample.end);
        await Bun.sleep(backoff);
      }
    }
  };

  const loops = Array.from({ length: clients }, (_, id) => client(id));
  await Bun.sleep(options.warmupMs ?? 400);
  report.faultAt = now();
  await options.fault();
  const deadline = report.faultAt + (options.maxAfterFaultMs ?? 15_000);
  while (now() < deadline) {
    await Bun.sleep(50);
    if (lastFailure > report.faultAt && now() - lastFailure >= steadyMs) break;
  }
  stop = true;
  await Promise.all(loops);
  return report;
}

/** The figures of a load run. */
export interface FailoverFigures {
  requests: number;
  /** Requests answered 503 (all after the fault). */
  unavailable: number;
  /** Responses that were neither 200 nor 503, or never came. */
  unexpected: Sample[];
  /** From the fault to the end of the last failed request, in ms. */
  windowMs: number;
  /** Slowest response, in ms. */
  slowestMs: number;
}

/** Sums up a load run. */
export function figures(report: LoadReport): FailoverFigures {
  const failed = report.samples.filter((s) => s.status !== 200);
  const lastFailure = failed.reduce((latest, s) => Math.max(latest, s.end), report.faultAt);
  return {
    requests: report.samples.length,
    unavailable: failed.filter((s) => s.status === 503).length,
    unexpected: failed.filter((s) => s.status !== 503),
    windowMs: Math.round(lastFailure - report.faultAt),
    slowestMs: Math.round(report.samples.reduce((max, s) => Math.max(max, s.end - s.start), 0)),
  };
}

/**
 * Reads back every acknowledged write: documents that are missing or differ, and counters whose
 * value is below the number of increments acknowledged (a 503 increment may or may not have
 * been applied, so a counter may be higher, never lower).
 */
export async function lostWrites(store: RedisStore, report: LoadReport): Promise<string[]> {
  const lost: string[] = [];
  const docs = [...report.acknowledgedDocs];
  for (let i = 0; i < docs.length; i += 200) {
    const batch = docs.slice(i, i + 200);
    const values = await Promise.all(batch.map(([id]) => store.get<{ n: number }>(`doc:${id}`)));
    batch.forEach(([id, n], j) => {
      if (values[j]?.n !== n) lost.push(`doc:${id}`);
    });
  }
  for (const [counter, count] of report.acknowledgedIncrements) {
    const value = (await store.get<number>(`counter:${counter}`)) ?? 0;
    if (value < count) lost.push(`counter:${counter} (${value} < ${count})`);
  }
  return lost;
}
