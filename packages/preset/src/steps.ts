/**
 * The steps `createApp` runs, in order. Each step runs its listeners, then its default
 * behaviour unless a listener returned `false`.
 */
export const STEPS = [
  "init",
  "configure.logger",
  "configure.static",
  "configure.cache",
  "configure.bodyParser",
  "configure.cookieParser",
  "configure.session",
  "configure.router",
  "configure.routes",
  "configure.errorHandlers",
  "configure.unhandledErrorHandler",
  "start",
  "ready",
] as const;

/** The name of a step (see {@link STEPS}). */
export type StepName = (typeof STEPS)[number];

const KNOWN = new Set<string>(STEPS);

/** Throws a `TypeError` listing the steps when `step` is not one (catches typos at registration). */
export function assertStep(step: string): asserts step is StepName {
  if (!KNOWN.has(step)) {
    throw new TypeError(`Unknown preset step "${step}"; steps are: ${STEPS.join(", ")}`);
  }
}
