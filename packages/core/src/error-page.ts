import { type HttpError, statusText, type ValidationIssue } from "./errors";
import type { HarpiaRequest } from "./request";
import type { HarpiaResponse } from "./response";
import { RETURNED } from "./symbols";
import { preferredFormat } from "./utils/accepts";
import { escapeHtml } from "./utils/html";

/** The media type of the default JSON error body (RFC 9457). */
export const PROBLEM_JSON = "application/problem+json";

/**
 * The JSON body of a default error response: an RFC 9457 problem document
 * (`application/problem+json`) with Harpia's members (`code`, `message`, `errors`...).
 */
export interface ErrorBody {
  /** A URI naming the problem type; `"about:blank"`: the status says it all. */
  type: string;
  /** The status's reason phrase (`"Unprocessable Entity"`). */
  title: string;
  status: number;
  /** A stable, machine-readable code (`"VALIDATION_FAILED"`, `"NOT_FOUND"`...). */
  code: string;
  /** What went wrong, for this occurrence (hidden for server errors outside development). */
  detail: string;
  /** The same text as `detail`, kept for clients of earlier versions. */
  message: string;
  /** Validation issues: `{ in, path, message }` per problem found by a route's schemas. */
  errors?: ValidationIssue[];
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
  const message = visible ? error.message : "Internal Server Error";
  const body: ErrorBody = {
    type: "about:blank",
    title: statusText(error.status),
    status: error.status,
    code: String(error.code),
    detail: message,
    message,
  };
  if (visible && error.issues !== undefined) body.errors = error.issues;
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
    res.type(PROBLEM_JSON);
  }
}
