import {
  type ErrorCodeName,
  type HarpiaRequest,
  type HarpiaResponse,
  HttpError,
  statusText,
  toHttpError,
} from "@harpia/core";
import { preferredFormat, writeErrorResponse } from "@harpia/core/utils";

/**
 * An error handler of the preset's chain (`context.addErrorHandler` in
 * `configure.errorHandlers`). Answer on `res` to handle the error, or call `next()` (or
 * `next(otherError)`) to pass it on; the last in line is the unhandled-error handler. Call
 * `next` before the handler returns (or before its promise settles): a handler that returned
 * without calling it has answered.
 */
export type PresetErrorHandler = (
  error: unknown,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  next: (error?: unknown) => void,
) => unknown;

/** The handler that answers errors nobody else handled. */
export type FinalErrorHandler = (error: unknown, req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;

/**
 * The preset's error handlers: the ones added by listeners, tried in order, then the final
 * one. Installed once on the app (`app.setErrorHandler(chain.handle)`), filled in by the steps.
 */
export class ErrorHandlerChain {
  private readonly handlers: PresetErrorHandler[] = [];
  /** Core's own error page until the `configure.unhandledErrorHandler` default replaces it. */
  final: FinalErrorHandler;

  constructor(development: () => boolean) {
    this.final = (error, req, res) => writeErrorResponse(toHttpError(error), req, res, development());
  }

  /** Adds a handler after the ones already there. */
  add(handler: PresetErrorHandler): void {
    if (typeof handler !== "function") throw new TypeError("addErrorHandler() takes a function");
    this.handlers.push(handler);
  }

  /** Runs the chain for one error. Never shared state: everything lives in this call. */
  handle = async (error: unknown, req: HarpiaRequest<any>, res: HarpiaResponse): Promise<unknown> => {
    let current = error;
    for (const handler of this.handlers) {
      let passed = false;
      let replacement: unknown;
      const result = await handler(current, req, res, (next?: unknown) => {
        passed = true;
        replacement = next;
      });
      if (!passed) return result;
      if (replacement !== undefined && replacement !== null) {
        current = replacement;
        res.status(toHttpError(current).status);
      }
    }
    return this.final(current, req, res);
  };
}

/**
 * The error as the client may read it: itself when its message is exposed (or dumped), else
 * one that says only its status text ("Service Unavailable", not the internal message).
 */
function readable(error: HttpError, dump: boolean): HttpError {
  if (error.expose || dump) return error;
  return new HttpError(error.status, statusText(error.status), {
    code: error.code as ErrorCodeName,
    headers: error.headers,
    expose: true,
  });
}

/**
 * The seed's unhandled-error handler: answers in the format the client asked for (JSON, HTML,
 * or plain text when it expressed no preference), with the error's status and, when exposed,
 * its message; JSON and HTML are core's error page (`writeErrorResponse`). A hidden message
 * reads as the status text ("Internal Server Error"). With `dump`, every message is shown and
 * server errors (5xx) carry their stack trace, in every format.
 */
export function unhandledErrorHandler(dump: () => boolean): FinalErrorHandler {
  return (thrown, req, res) => {
    const dumping = dump();
    const error = readable(toHttpError(thrown), dumping);
    if (preferredFormat(req.headers.get("accept"), ["text", "json", "html"]) !== "text") {
      writeErrorResponse(error, req, res, dumping);
      return;
    }
    res.status(error.status);
    if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.header(name, value);
    const source = error.cause instanceof Error ? error.cause : error;
    const stack = dumping && error.status >= 500 ? source.stack : undefined;
    res.text(stack === undefined ? error.message : `${error.message}\n\n${stack}`);
  };
}
