import type { AtomicStore } from "@harpia/core";
import { dayOf, histogramField, type Layout, OTHER } from "./layout";
import type { ResolvedOptions } from "./options";
import type { VisitData } from "./types";

/** How long a request waits for a concurrent first request of its value to decide: tries × ms. */
const DECISION_TRIES = 50;
const DECISION_WAIT_MS = 2;

/**
 * Waits until `admitted()` or until the claim is gone (the value was refused); bounded. Used by
 * a request that lost the claim on a new value to the value's first request, still deciding.
 */
async function decided(
  store: AtomicStore,
  claim: string,
  admitted: () => Promise<boolean>,
): Promise<boolean> {
  for (let i = 0; i < DECISION_TRIES; i++) {
    if (await admitted()) return true;
    if (!(await store.has(claim))) return admitted();
    await Bun.sleep(DECISION_WAIT_MS);
  }
  return admitted();
}

/** One finished request, ready to be recorded. */
export interface Observation {
  ip: string;
  visit: VisitData;
  /** `source/medium` when the visit has a traffic source. */
  source: string | undefined;
  at: Date;
}

/**
 * Writes observations with atomic store operations only. Dimensions a client controls (IPs,
 * paths, sources) are admitted through a slot counter, so their caps hold exactly even when
 * several instances admit new members at the same moment.
 */
export class Recorder {
  private readonly store: AtomicStore;
  private readonly ttl: number;

  constructor(
    private readonly layout: Layout,
    private readonly options: ResolvedOptions,
  ) {
    this.store = options.store;
    this.ttl = options.ttlSeconds;
  }

  /** Records one request. */
  async record({ ip, visit, source, at }: Observation): Promise<void> {
    const date = dayOf(at);
    const micros = Math.max(0, Math.round(visit.responseTime * 1000));
    const { store, layout, ttl } = this;
    const work: Promise<unknown>[] = [
      store.increment(layout.requests(date), 1, ttl),
      store.increment(layout.responseMicros(date), micros, ttl),
      store.hashIncrement(layout.histogram(date), histogramField(visit.responseTime), 1, ttl),
      this.recordPath(date, visit, micros),
      this.recordVisitor(date, ip, visit),
    ];
    if (visit.error !== null) {
      const { path, method, timestamp, responseTime, error } = visit;
      work.push(
        store.increment(layout.errorCount(date), 1, ttl),
        store.listPush(layout.errorLog(date), [{ ip, path, method, timestamp, responseTime, error }], {
          maxLength: this.options.maxErrorsPerDay,
          ttlSeconds: ttl,
        }),
      );
    }
    if (source !== undefined) work.push(this.recordSource(date, source));
    await Promise.all(work);
  }

  private async recordPath(date: string, visit: VisitData, micros: number): Promise<void> {
    const field = await this.admit(this.layout.paths(date), "path", date, visit.path, this.options.maxPaths);
    const { store, layout, ttl } = this;
    await Promise.all([
      store.hashIncrement(layout.views(date), field, 1, ttl),
      store.hashIncrement(layout.pathMicros(date), field, micros, ttl),
      visit.error === null ? undefined : store.hashIncrement(layout.pathErrors(date), field, 1, ttl),
    ]);
  }

  private async recordSource(date: string, source: string): Promise<void> {
    const field = await this.admit(
      this.layout.sourceNames(date),
      "source",
      date,
      source,
      this.options.maxSources,
    );
    await this.store.hashIncrement(this.layout.sources(date), field, 1, this.ttl);
  }

  /**
   * The field to count `value` under: itself when it already has one or a slot is free,
   * `(other)` beyond the cap. Only the request that claims a new value takes a slot (an atomic
   * ticket that is never handed back), so the first `max` distinct values are kept exactly,
   * however requests interleave across instances. A request racing its value's first one counts
   * waits (briefly, bounded) for that one to decide.
   */
  private async admit(
    keys: { members: string; slots: string },
    kind: string,
    date: string,
    value: string,
    max: number,
  ): Promise<string> {
    const { store, ttl } = this;
    if (await store.setHas(keys.members, value)) return value;
    const claim = this.layout.claim(date, kind, value);
    if (!(await store.add(claim, 1, ttl))) {
      return (await decided(store, claim, () => store.setHas(keys.members, value))) ? value : OTHER;
    }
    if ((await store.increment(keys.slots, 1, ttl)) > max) {
      await store.delete(claim);
      return OTHER;
    }
    await store.setAdd(keys.members, [value], ttl);
    return value;
  }

  /**
   * Counts the request for its visitor and keeps the visit, for at most `maxVisitorsKeys`
   * visitors a day. Only the request that claims a new visitor takes a slot (a ticket never
   * handed back), so exactly the first `maxVisitorsKeys` visitors are kept; a refused visitor's
   * claim is dropped, so nothing is stored per refused address. A request racing its visitor's
   * first one waits (briefly, bounded) for that one to decide.
   */
  private async recordVisitor(date: string, ip: string, visit: VisitData): Promise<void> {
    const { store, layout, ttl } = this;
    const counter = layout.visitor(date, ip);
    const keep = () =>
      Promise.all([
        store.increment(counter, 1, ttl),
        store.listPush(layout.visits(date, ip), [visit], {
          maxLength: this.options.maxVisitsPerIp,
          ttlSeconds: ttl,
        }),
      ]);
    const untracked = () => store.increment(layout.untracked(date), 1, ttl);
    if (await store.has(counter)) {
      await keep();
      return;
    }
    const claim = layout.claim(date, "visitor", ip);
    if (!(await store.add(claim, 1, ttl))) {
      await ((await decided(store, claim, () => store.has(counter))) ? keep() : untracked());
      return;
    }
    if ((await store.increment(layout.visitorSlots(date), 1, ttl)) > this.options.maxVisitorsKeys) {
      await Promise.all([store.delete(claim), untracked()]);
      return;
    }
    await keep();
  }
}
