import type { HttpError } from "./errors";
import type { HarpiaRequest } from "./request";
import type { HarpiaResponse } from "./response";
import { RETURNED } from "./symbols";
import { preferredFormat } from "./utils/accepts";
import { escapeHtml } from "./utils/html";

/** The JSON body of an error response. */
export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  stack?: string[];
}

/**
 * Writes the framework's default error response: JSON or HTML by `Accept`. Server errors
 * (5xx) hide their message unless the error is marked `expose` or the app is in development,
 * where the stack is shown as well.
 */
export function writeErrorResponse(
  error: HttpError,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  development: boolean,
): void {
  const visible = error.expose || development;
  const body: ErrorBody = {
    status: error.status,
    code: String(error.code),
    message: visible ? error.message : "Internal Server Error",
  };
  if (visible && error.details !== undefined) body.details = error.details;
  if (development && error.status >= 500) {
    const cause = error.cause instanceof Error ? error.cause : error;
    body.stack = (cause.stack ?? "").split("\n").map((l) => l.trim());
  }
  res.status(error.status);
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.headers.set(name, value);
  res[RETURNED] = undefined;
  if (preferredFormat(req.headers.get("accept"), ["json", "html"]) === "html") {
    const stack = body.stack ? `<pre>${escapeHtml(body.stack.join("\n"))}</pre>` : "";
    // Multi-line messages (a template's code frame) keep their lines.
    const message = body.message.includes("\n")
      ? `<pre>${escapeHtml(body.message)}</pre>`
      : `<p>${escapeHtml(body.message)}</p>`;
    res.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${body.status} ${escapeHtml(body.message)}</title></head>` +
        `<body><h1>${body.status}</h1>${message}${stack}</body></html>`,
    );
  } else {
    res.json(body);
  }
}
