import {
  type HarpiaRequest,
  type HarpiaResponse,
  type HttpError,
  statusText,
  toHttpError,
} from "@harpia/core";
import { escapeHtml, preferredFormat, writeErrorResponse } from "@harpia/core/utils";

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

/** What the client gets to read about an error. */
function describe(error: HttpError, dump: boolean): { message: string; stack: string | undefined } {
  const message = error.expose || dump ? error.message : statusText(error.status);
  if (!dump) return { message, stack: undefined };
  const source = error.cause instanceof Error ? error.cause : error;
  return { message, stack: source.stack };
}

/**
 * The seed's unhandled-error handler: answers in the format the client asked for (JSON, HTML,
 * or plain text when it expressed no preference), with the error's status and, when exposed,
 * its message. Server errors read "Internal Server Error" unless `dump` is on, which adds the
 * message and stack trace to every format.
 */
export function unhandledErrorHandler(dump: () => boolean): FinalErrorHandler {
  return (thrown, req, res) => {
    const error = toHttpError(thrown);
    const { message, stack } = describe(error, dump());
    res.status(error.status);
    if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.header(name, value);
    const format = preferredFormat(req.headers.get("accept"), ["text", "json", "html"]);
    if (format === "json") {
      const body: Record<string, unknown> = { status: error.status, code: String(error.code), message };
      if ((error.expose || dump()) && error.details !== undefined) body.details = error.details;
      if (stack !== undefined) body.stack = stack.split("\n").map((line) => line.trim());
      res.json(body);
    } else if (format === "html") {
      const title = `${error.status} ${escapeHtml(message)}`;
      const trace = stack === undefined ? "" : `<pre>${escapeHtml(stack)}</pre>`;
      res.html(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
          `<body><h1>${error.status} ${escapeHtml(statusText(error.status))}</h1><p>${escapeHtml(message)}</p>${trace}</body></html>`,
      );
    } else {
      res.text(stack === undefined ? message : `${message}\n\n${stack}`);
    }
  };
}
