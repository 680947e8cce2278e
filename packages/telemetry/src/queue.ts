import type { Observation, Recorder } from "./recorder";

/**
 * Recordings in flight: each finished request is written in the background, never awaited by
 * its response. At most `maxPending` run at once (the rest are counted as dropped instead of
 * queueing without limit while the store is slow), and `settled()` waits for all of them.
 */
export class RecordingQueue {
  private readonly pending = new Set<Promise<void>>();
  private droppedCount = 0;

  constructor(
    private readonly recorder: Recorder,
    private readonly maxPending: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Requests not recorded because `maxPending` recordings were already in flight. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Starts recording one observation, unless too many are in flight. */
  enqueue(observation: Observation): void {
    if (this.pending.size >= this.maxPending) {
      this.droppedCount++;
      return;
    }
    const work: Promise<void> = this.recorder
      .record(observation)
      .catch((error) => this.onError(error))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Resolves once every recording started so far (and any started meanwhile) is written. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
