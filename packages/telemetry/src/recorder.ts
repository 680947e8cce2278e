import type { AtomicStore } from "@harpia/core";
import { dayOf, histogramField, type Layout, OTHER } from "./layout";
import type { ResolvedOptions } from "./options";
import type { VisitData } from "./types";

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
    const field = await this.admit(this.layout.paths(date), visit.path, this.options.maxPaths);
    const { store, layout, ttl } = this;
    await Promise.all([
      store.hashIncrement(layout.views(date), field, 1, ttl),
      store.hashIncrement(layout.pathMicros(date), field, micros, ttl),
      visit.error === null ? undefined : store.hashIncrement(layout.pathErrors(date), field, 1, ttl),
    ]);
  }

  private async recordSource(date: string, source: string): Promise<void> {
    const field = await this.admit(this.layout.sourceNames(date), source, this.options.maxSources);
    await this.store.hashIncrement(this.layout.sources(date), field, 1, this.ttl);
  }

  /**
   * The field to count `value` under: itself when it already has one or a slot is free,
   * `(other)` beyond the cap. A slot is reserved with an atomic increment before the member
   * is added and handed back when the reservation was over the cap or lost a race.
   */
  private async admit(keys: { members: string; slots: string }, value: string, max: number): Promise<string> {
    const { store, ttl } = this;
    if (await store.setHas(keys.members, value)) return value;
    const slot = await store.increment(keys.slots, 1, ttl);
    if (slot > max) {
      await store.increment(keys.slots, -1, ttl);
      return OTHER;
    }
    if ((await store.setAdd(keys.members, [value], ttl)) === 1) return value;
    await store.increment(keys.slots, -1, ttl);
    return (await store.setHas(keys.members, value)) ? value : OTHER;
  }

  /**
   * Counts the request for its visitor and keeps the visit, for at most `maxVisitorsKeys`
   * visitors a day. A new visitor reserves a slot first; the request that creates the
   * visitor's counter keeps it, a concurrent one from the same IP hands it back.
   */
  private async recordVisitor(date: string, ip: string, visit: VisitData): Promise<void> {
    const { store, layout, ttl } = this;
    const counter = layout.visitor(date, ip);
    const keep = () =>
      store.listPush(layout.visits(date, ip), [visit], {
        maxLength: this.options.maxVisitsPerIp,
        ttlSeconds: ttl,
      });
    if (await store.has(counter)) {
      await Promise.all([store.increment(counter, 1, ttl), keep()]);
      return;
    }
    const slots = layout.visitorSlots(date);
    if ((await store.increment(slots, 1, ttl)) > this.options.maxVisitorsKeys) {
      await Promise.all([store.increment(slots, -1, ttl), store.increment(layout.untracked(date), 1, ttl)]);
      return;
    }
    if ((await store.increment(counter, 1, ttl)) > 1) await store.increment(slots, -1, ttl);
    await keep();
  }
}
