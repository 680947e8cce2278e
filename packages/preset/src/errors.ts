import type { StepName } from "./steps";

/**
 * Start-up was aborted because a step failed: one of its listeners threw (or rejected), or its
 * default behaviour did. The message names the step; the original error is `cause`.
 */
export class PresetStepError extends Error {
  /** The step that failed. */
  readonly step: StepName;

  constructor(step: StepName, cause: unknown, source: "listener" | "default") {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Preset step "${step}" failed${source === "default" ? " (its default behaviour)" : ""}: ${reason}`,
      { cause },
    );
    this.name = "PresetStepError";
    this.step = step;
  }
}
