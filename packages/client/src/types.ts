/**
 * The types a route map is written in, and the client's type over it.
 *
 * A route map is a flat interface keyed by `"METHOD /path"` (`:param` paths), one entry per
 * operation, as `harpia-client generate` writes it from an OpenAPI document:
 *
 *   interface Routes {
 *     "GET /books/:id": { input: { params: { id: string } }; response: Success<200, Book> | Failure<404, Problem> | Unexpected<404> };
 *     "POST /books": { input: { body: NewBook }; response: Success<201, Book> | Failure<422, Problem> | Unexpected<422> };
 *   }
 *
 * Each call is one indexed access into that interface (measured in bench/typecheck: the
 * cheapest shape for the checker), so the answer union is written out by the generator rather
 * than computed per call.
 */

/** The 4xx statuses (the `4XX` range of an OpenAPI document). */
export type ClientErrorStatus =
  | 400
  | 401
  | 402
  | 403
  | 404
  | 405
  | 406
  | 407
  | 408
  | 409
  | 410
  | 411
  | 412
  | 413
  | 414
  | 415
  | 416
  | 417
  | 418
  | 421
  | 422
  | 423
  | 424
  | 425
  | 426
  | 428
  | 429
  | 431
  | 451;

/** The 5xx statuses (the `5XX` range of an OpenAPI document). */
export type ServerErrorStatus = 500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511;

/** The error statuses a server may answer with, declared or not. */
export type ErrorStatus = ClientErrorStatus | ServerErrorStatus;

/** The 2xx statuses (the `2XX` range; an operation that declares none gets them all). */
export type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226;

/** A 2xx answer: `data` is the parsed body (JSON, text, or `undefined` when empty). */
export interface Success<Status extends number, Data> {
  ok: true;
  status: Status;
  data: Data;
  error?: undefined;
  /** The raw `Response` (headers; its body is already read). */
  response: Response;
}

/** A non-2xx answer: `error` is the parsed body (a problem document for Harpia's errors). */
export interface Failure<Status extends number, Error> {
  ok: false;
  status: Status;
  error: Error;
  data?: undefined;
  /** The raw `Response` (headers; its body is already read). */
  response: Response;
}

/**
 * An error status the document does not declare for the operation (a 500, a 429 from a rate
 * limit...): its body is `unknown`. Narrowing on `status` keeps the declared ones typed.
 */
export type Unexpected<Declared extends number = never> = Failure<Exclude<ErrorStatus, Declared>, unknown>;

/** An RFC 9457 problem document, as Harpia's error handler answers (`application/problem+json`). */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  instance?: string;
  /** Validation issues (422 `VALIDATION_FAILED`). */
  errors?: Array<{ in: string; path: string; message: string }>;
  [member: string]: unknown;
}

/** What a route's input may hold. */
export interface RouteInput {
  /** Path parameters, by name: `{ id: "42" }` fills `/books/:id`. */
  params?: Record<string, string | number>;
  /** Query parameters (arrays repeat the key; `undefined` and `null` are left out). */
  query?: Record<string, unknown>;
  /** Request headers the operation declares. */
  headers?: Record<string, string>;
  /**
   * The request body: `FormData`, `Blob`, `URLSearchParams`, buffers and streams go as they are;
   * anything else as JSON, or, on a route the client's `accepts` lists without JSON, as form
   * fields, multipart form data or text.
   */
  body?: unknown;
}

/** One route's entry in a route map. */
export interface RouteEntry {
  input: RouteInput;
  response: Success<number, unknown> | Failure<number, unknown>;
}

/** Options every call takes beside the route's own input. */
export interface CallOptions {
  /** Extra headers for this call (added to the client's). */
  headers?: Record<string, string>;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Any other `fetch` option (credentials, cache, keepalive...). */
  init?: Omit<RequestInit, "method" | "body" | "headers" | "signal">;
}

/** Route keys of one method, as paths: `"GET /books/:id"` → `"/books/:id"` for `"GET"`. */
export type PathsOf<Routes, Method extends string> = keyof Routes extends infer K
  ? K extends `${Method} ${infer Path}`
    ? Path
    : never
  : never;

type At<Routes, K> = K extends keyof Routes ? Routes[K] : never;

/** The call's arguments: the input is optional when none of its fields is required. */
export type InputArgs<Entry> = Entry extends { input: infer I }
  ? {} extends I
    ? [input?: I & CallOptions]
    : [input: I & CallOptions]
  : [input?: CallOptions];

/** A route's answer union. */
export type ResponseOf<Entry> = Entry extends { response: infer R } ? R : never;

/**
 * A typed client over a route map. Every call resolves to the answer, discriminated by `ok`
 * and `status` (it does not throw for HTTP errors; see `unwrap`); it rejects only when the
 * request cannot be made or a JSON body cannot be parsed.
 */
export interface Client<Routes> {
  /** `GET path`. */
  get<P extends PathsOf<Routes, "GET">>(
    path: P,
    ...input: InputArgs<At<Routes, `GET ${P}`>>
  ): Promise<ResponseOf<At<Routes, `GET ${P}`>>>;
  /** `POST path`. */
  post<P extends PathsOf<Routes, "POST">>(
    path: P,
    ...input: InputArgs<At<Routes, `POST ${P}`>>
  ): Promise<ResponseOf<At<Routes, `POST ${P}`>>>;
  /** `PUT path`. */
  put<P extends PathsOf<Routes, "PUT">>(
    path: P,
    ...input: InputArgs<At<Routes, `PUT ${P}`>>
  ): Promise<ResponseOf<At<Routes, `PUT ${P}`>>>;
  /** `PATCH path`. */
  patch<P extends PathsOf<Routes, "PATCH">>(
    path: P,
    ...input: InputArgs<At<Routes, `PATCH ${P}`>>
  ): Promise<ResponseOf<At<Routes, `PATCH ${P}`>>>;
  /** `DELETE path`. */
  delete<P extends PathsOf<Routes, "DELETE">>(
    path: P,
    ...input: InputArgs<At<Routes, `DELETE ${P}`>>
  ): Promise<ResponseOf<At<Routes, `DELETE ${P}`>>>;
  /**
   * Any route by its `"METHOD /path"` key (the cheapest call to type-check, and the one for
   * methods without a shortcut).
   */
  request<K extends keyof Routes & string>(
    route: K,
    ...input: InputArgs<Routes[K]>
  ): Promise<ResponseOf<Routes[K]>>;
}
