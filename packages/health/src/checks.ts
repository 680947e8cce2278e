import type { HealthCheck } from "./options";

/** How one check went: `"fail"` covers a throw, a rejection, `false` and a timeout alike. */
export type CheckResult = "ok" | "fail";

/** The outcome of every check, by name. */
export type CheckResults = Record<string, CheckResult>;

/** Runs `check` once, bounded by `timeout`; never rejects. */
function settle(call: Promise<unknown>, timeout: number): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve("fail"), timeout);
  });
  const done = call.then(
    (value): CheckResult => (value === false ? "fail" : "ok"),
    (): CheckResult => "fail",
  );
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}

/**
 * Makes the function that runs every check in parallel, each bounded by `timeout`. Bounded in
 * calls too: requests that arrive while a run is in progress share its result, and a check
 * whose previous call has not settled yet (it outlived its timeout) is not called again but
 * reported `"fail"`, so a hung dependency never piles up calls, timers or memory.
 */
export function checkRunner(
  checks: ReadonlyArray<readonly [string, HealthCheck]>,
  timeout: number,
): () => Promise<CheckResults> {
  const pending = new Set<string>();
  const runOne = (name: string, check: HealthCheck): Promise<CheckResult> => {
    if (pending.has(name)) return Promise.resolve("fail");
    let call: Promise<unknown>;
    try {
      call = Promise.resolve(check());
    } catch {
      return Promise.resolve("fail");
    }
    pending.add(name);
    const forget = () => pending.delete(name);
    call.then(forget, forget);
    return settle(call, timeout);
  };
  let running: Promise<CheckResults> | undefined;
  const runAll = async (): Promise<CheckResults> => {
    const outcomes = await Promise.all(checks.map(([name, check]) => runOne(name, check)));
    return Object.fromEntries(checks.map(([name], i) => [name, outcomes[i]!]));
  };
  return () => {
    running ??= runAll().finally(() => {
      running = undefined;
    });
    return running;
  };
}
