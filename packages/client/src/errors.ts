import type { Failure, Success } from "./types";

/** A non-2xx answer turned into an exception by {@link unwrap}. */
export class HttpClientError extends Error {
  override readonly name = "HttpClientError";
  /** The HTTP status. */
  readonly status: number;
  /** The parsed body (a problem document for Harpia's errors). */
  readonly body: unknown;
  /** The raw `Response` (its body is already read). */
  readonly response: Response;

  constructor(status: number, body: unknown, response: Response) {
    const problem = body && typeof body === "object" ? (body as Record<string, unknown>) : undefined;
    const detail =
      problem?.detail ?? problem?.title ?? problem?.message ?? (typeof body === "string" ? body : "");
    super(`HTTP ${status}${detail ? `: ${String(detail).slice(0, 200)}` : ""}`);
    this.status = status;
    this.body = body;
    this.response = response;
  }
}

/**
 * The data of a 2xx answer, or an {@link HttpClientError} thrown for any other: for code that
 * prefers exceptions, `const book = unwrap(await api.get("/books/:id", { params: { id } }))`.
 */
export function unwrap<R extends Success<number, unknown> | Failure<number, unknown>>(
  result: R,
): R extends { ok: true; data: infer D } ? D : never {
  if (result.ok) return result.data as never;
  throw new HttpClientError(result.status, result.error, result.response);
}
