/** What the generator needs to lay out one type-check project. */
export interface Variant {
  /** Folder name under `generated/` and row label. */
  name: string;
  /** One line for the results table: what the project holds. */
  description: string;
  /** Files to write, by path relative to the project folder. */
  files: Record<string, string>;
  /** Root files tsc starts from (the rest is reached through imports). */
  roots: string[];
  /** Other variants whose projects `prepare` reads (generated first, even when not selected). */
  needs?: string[];
  /** Compiler options added to the shared ones (e.g. `customConditions` to read sources). */
  compilerOptions?: Record<string, unknown>;
  /** Work done after the files are written (emitting a `.d.ts`, running openapi-typescript). */
  prepare?: (dir: string, ctx: PrepareContext) => Promise<void>;
}

/** Helpers the generator hands to `prepare`. */
export interface PrepareContext {
  /** Folder of another variant, already generated (variants are prepared in order). */
  variantDir: (name: string) => string;
  /** Runs tsc with these arguments; throws with its output when it fails. */
  tsc: (args: string[]) => Promise<void>;
}
