/** Turning anything thrown into the answer: the app's error handler or the default page. */
import { writeErrorResponse } from "../error-page";
import { toHttpError } from "../errors";
import type { ErrorReporter, Hooks } from "../hooks";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { ErrorHandler } from "../types";
import { applyResult, type ErrorResponder } from "./chain";

/** What the error responder reads from the app, on every error (it can change at any time). */
export interface ErrorSettings {
  readonly errorHandler: ErrorHandler | undefined;
  readonly development: boolean;
  readonly report: ErrorReporter | undefined;
  readonly hooks: { readonly onError: readonly Hooks["onError"][] };
}

/**
 * Builds the function that turns anything thrown into a response on `res`: the app's error
 * handler when set (status and the error's own headers preset), else the default JSON/HTML
 * answer; a throwing handler falls back to the default. Then the `onError` hooks observe the
 * final answer. It never rejects.
 */
export function createErrorResponder(app: ErrorSettings): ErrorResponder {
  const observe = (error: unknown, req: HarpiaRequest<any>, res: HarpiaResponse): void => {
    for (const hook of app.hooks.onError) {
      try {
        const pending = hook(error, req, res);
        if (pending instanceof Promise) pending.catch((secondary) => app.report?.(secondary, req));
      } catch (secondary) {
        app.report?.(secondary, req);
      }
    }
  };
  return (error, req, res) => {
    res.error = error;
    const httpError = toHttpError(error);
    if (httpError.status >= 500) app.report?.(error, req);
    const handler = app.errorHandler;
    if (handler === undefined) {
      writeErrorResponse(httpError, req, res, app.development);
      if (app.hooks.onError.length !== 0) observe(error, req, res);
      return undefined;
    }
    const fallback = (secondary: unknown) => {
      app.report?.(secondary, req);
      writeErrorResponse(httpError, req, res, app.development);
    };
    try {
      res.status(httpError.status);
      // Headers that belong to the error (Allow on a 405, Retry-After on a 503) go out whoever answers.
      if (httpError.headers)
        for (const [name, value] of Object.entries(httpError.headers)) res.headers.set(name, value);
      const result = handler(error, req, res);
      if (result instanceof Promise) {
        return result.then((value) => applyResult(res, value), fallback).then(() => observe(error, req, res));
      }
      applyResult(res, result);
    } catch (secondary) {
      fallback(secondary);
    }
    if (app.hooks.onError.length !== 0) observe(error, req, res);
    return undefined;
  };
}
