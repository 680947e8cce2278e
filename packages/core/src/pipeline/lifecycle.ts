/**
 * The per-request hook runners (`onRequest`, `onSend`, `onResponse`): each hook list as
 * registered when the app was compiled, and where their errors are reported.
 */
import type { ErrorReporter, Hooks } from "../hooks";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";

/** The per-request hooks of a compiled app. */
export interface RequestHooks {
  readonly onRequest: readonly Hooks["onRequest"][];
  readonly onSend: readonly Hooks["onSend"][];
  readonly onResponse: readonly Hooks["onResponse"][];
  /** Where a throwing `onSend`/`onResponse` hook is reported (it never changes the answer). */
  readonly report: ErrorReporter | undefined;
}

/**
 * Runs the `onRequest` hooks in order; `true` as soon as one of them answered (`res.sent`),
 * which skips routing. Rejects with the error of a throwing hook (answered as any error).
 */
export async function runOnRequest(
  hooks: RequestHooks,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Promise<boolean> {
  for (const hook of hooks.onRequest) {
    await hook(req, res);
    if (res.sent) return true;
  }
  return false;
}

/** Runs the `onSend` hooks; a throwing hook is reported, never sent. */
export async function runOnSend(
  hooks: RequestHooks,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Promise<void> {
  for (const hook of hooks.onSend) {
    try {
      await hook(req, res);
    } catch (error) {
      hooks.report?.(error, req);
    }
  }
}

/** Fires the `onResponse` hooks without waiting for them. */
export function fireOnResponse(
  hooks: RequestHooks,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  response: Response,
): void {
  for (const hook of hooks.onResponse) {
    try {
      const pending = hook(req, res, response);
      if (pending instanceof Promise) pending.catch((error) => hooks.report?.(error, req));
    } catch (error) {
      hooks.report?.(error, req);
    }
  }
}
