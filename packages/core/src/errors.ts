/**
 * Stable error codes carried by the errors Harpia raises itself. Applications may use any
 * string as a code; these are the ones the framework guarantees not to rename.
 */
export const ErrorCode = {
  BAD_REQUEST: "BAD_REQUEST",
  MALFORMED_URI: "MALFORMED_URI",
  INVALID_JSON: "INVALID_JSON",
  INVALID_BODY: "INVALID_BODY",
  /** A JSON body nested deeper than the `jsonDepth` limit (400). */
  BODY_TOO_DEEP: "BODY_TOO_DEEP",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_FIELDS: "TOO_MANY_FIELDS",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNPROCESSABLE_ENTITY: "UNPROCESSABLE_ENTITY",
  UPGRADE_REQUIRED: "UPGRADE_REQUIRED",
  /** A WebSocket handshake from a page of another origin, which the route does not allow (403). */
  WS_ORIGIN_REFUSED: "WS_ORIGIN_REFUSED",
  INTERNAL_ERROR: "INTERNAL_ERROR",
  /** The app set a header name or value HTTP cannot carry (CR, LF, NUL...): a server error (500). */
  INVALID_HEADER: "INVALID_HEADER",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** The route did not answer within its `timeout` (503). */
  TIMEOUT: "TIMEOUT",
  /** A part of the request (or a WebSocket message) did not match the route's schema (422). */
  VALIDATION_FAILED: "VALIDATION_FAILED",
  /** What a route sent did not match its response schema (500; checked in development). */
  RESPONSE_VALIDATION_FAILED: "RESPONSE_VALIDATION_FAILED",
} as const;

/** Where a validation issue was found. */
export type ValidationTarget = "params" | "query" | "headers" | "cookies" | "body" | "message" | "response";

/** One problem found by a route's schema (see `RouteSchema`). */
export interface ValidationIssue {
  /** The part of the request it is in. */
  in: ValidationTarget;
  /** JSON-pointer-like path to the value (`"/author/name"`, `"/tags/0"`; `""` for the part itself). */
  path: string;
  /** The schema library's message. */
  message: string;
}

/** One of the codes in {@link ErrorCode}, or any application-defined string. */
export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode] | (string & {});

/** Options of {@link HttpError}. */
export interface HttpErrorOptions {
  /** A stable, machine-readable code (defaults to one derived from the status). */
  code?: ErrorCodeName;
  /**
   * Whether the message may be shown to the client. Defaults to `true` below 500 and `false`
   * from 500 up, so internal details of server faults never leak in production.
   */
  expose?: boolean;
  /** The underlying error, kept for logs. */
  cause?: unknown;
  /** Headers to add to the error response (e.g. `Allow` on a 405, `Retry-After` on a 503). */
  headers?: Record<string, string>;
  /** Extra JSON-serialisable details included in the response body when exposed. */
  details?: unknown;
  /** Validation issues, rendered as `errors` in the default problem document. */
  issues?: ValidationIssue[];
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  422: "Unprocessable Entity",
  426: "Upgrade Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const STATUS_CODE: Record<number, ErrorCodeName> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  422: ErrorCode.UNPROCESSABLE_ENTITY,
  426: ErrorCode.UPGRADE_REQUIRED,
  500: ErrorCode.INTERNAL_ERROR,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** The reason phrase of an HTTP status (`404` → `"Not Found"`). */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? "Server Error" : "Error");
}

/**
 * An error that becomes an HTTP response. Throw it anywhere in a middleware or handler; the
 * app's error handler turns it into a response with its status, and (when `expose` is true)
 * its message and code.
 *
 * @example
 * throw new HttpError(404, "Book not found", { code: "BOOK_NOT_FOUND" });
 */
export class HttpError extends Error {
  /** The HTTP status of the response. */
  readonly status: number;
  /** A stable machine-readable code. */
  readonly code: ErrorCodeName;
  /** Whether `message` may be sent to the client. */
  readonly expose: boolean;
  /** Headers added to the error response. */
  readonly headers?: Record<string, string>;
  /** Extra details sent with an exposed error. */
  readonly details?: unknown;
  /**
   * What a route's schemas found wrong (a 422 `VALIDATION_FAILED`): one entry per issue, with
   * the part of the request (`in`), a JSON-pointer-like `path` and the message.
   */
  readonly issues?: ValidationIssue[];

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be an integer from 400 to 599, got ${status}`);
    }
    super(message ?? statusText(status), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.code =
      options.code ?? STATUS_CODE[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : "HTTP_ERROR");
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers;
    this.details = options.details;
    if (options.issues !== undefined) this.issues = options.issues;
  }
}

/** True for an {@link HttpError}, including one from another copy of this package. */
export function isHttpError(value: unknown): value is HttpError {
  return (
    value instanceof HttpError || (value instanceof Error && value.name === "HttpError" && "status" in value)
  );
}

/**
 * Turns anything thrown into an {@link HttpError}. Errors from other libraries that carry a
 * numeric `status` or `statusCode` (4xx/5xx) keep it; everything else becomes a 500 whose
 * message is hidden from clients.
 */
export function toHttpError(thrown: unknown): HttpError {
  if (isHttpError(thrown)) return thrown;
  if (thrown instanceof Error) {
    const candidate =
      (thrown as { status?: unknown; statusCode?: unknown }).status ??
      (thrown as { statusCode?: unknown }).statusCode;
    const status = typeof candidate === "number" && candidate >= 400 && candidate <= 599 ? candidate : 500;
    const code = (thrown as { code?: unknown }).code;
    const wrapped = new HttpError(status, thrown.message, {
      cause: thrown,
      code: typeof code === "string" ? code : undefined,
      expose: (thrown as { expose?: boolean }).expose ?? status < 500,
    });
    if (thrown.stack) wrapped.stack = thrown.stack;
    return wrapped;
  }
  return new HttpError(500, typeof thrown === "string" ? thrown : "Non-error value thrown", {
    cause: thrown,
    expose: false,
  });
}
