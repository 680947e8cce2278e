/**
 * Constant load through nginx: `concurrency` loops, each as one signed-in user, sending in turn
 * a session read, a click (a non-idempotent POST), the home page and another click. Bounded by
 * `stop()` or `maxMs`. Every answer that is not a 2xx, and every request that fails, is an error.
 */
import type { User } from "./client";

const STEPS = [
  { method: "GET", path: "/session" },
  { method: "POST", path: "/clicks" },
  { method: "GET", path: "/" },
  { method: "POST", path: "/clicks" },
] as const;

/** What the load saw. */
export interface LoadReport {
  requests: number;
  gets: number;
  posts: number;
  /** Non-2xx answers and failed requests (goal: 0). */
  errors: number;
  /** The first errors, described. */
  errorSamples: string[];
  /** Clicks answered 200, per user name. */
  clicks: Map<string, number>;
  /** Answers per instance. */
  perInstance: Map<string, number>;
  durationMs: number;
}

export interface Load {
  /** When `instance` last answered (`performance.now()`), or -1. */
  lastAnswer(instance: string): number;
  /** Stops the loops and returns the report. */
  stop(): Promise<LoadReport>;
}

export function startLoad(users: User[], concurrency: number, maxMs: number): Load {
  const report: LoadReport = {
    requests: 0,
    gets: 0,
    posts: 0,
    errors: 0,
    errorSamples: [],
    clicks: new Map(users.map((user) => [user.name, 0])),
    perInstance: new Map(),
    durationMs: 0,
  };
  const last = new Map<string, number>();
  const started = performance.now();
  let stopped = false;
  const deadline = setTimeout(() => {
    stopped = true;
  }, maxMs);

  const fail = (what: string) => {
    report.errors++;
    if (report.errorSamples.length < 20) report.errorSamples.push(what);
  };

  const loop = async (user: User, offset: number) => {
    for (let i = offset; !stopped; i++) {
      const step = STEPS[i % STEPS.length]!;
      report.requests++;
      if (step.method === "GET") report.gets++;
      else report.posts++;
      try {
        const res = await user.request(step.path, { method: step.method });
        const body = await res.text();
        const instance = res.headers.get("x-instance") ?? "?";
        last.set(instance, performance.now());
        report.perInstance.set(instance, (report.perInstance.get(instance) ?? 0) + 1);
        if (res.status < 200 || res.status > 299)
          fail(`${step.method} ${step.path}: ${res.status} from ${instance}: ${body.slice(0, 200)}`);
        else if (step.path === "/clicks") report.clicks.set(user.name, report.clicks.get(user.name)! + 1);
      } catch (error) {
        fail(`${step.method} ${step.path}: ${(error as Error).message}`);
      }
    }
  };

  const loops = Array.from({ length: concurrency }, (_, i) => loop(users[i % users.length]!, i));
  return {
    lastAnswer: (instance) => last.get(instance) ?? -1,
    async stop() {
      stopped = true;
      clearTimeout(deadline);
      await Promise.all(loops);
      report.durationMs = performance.now() - started;
      return report;
    },
  };
}
