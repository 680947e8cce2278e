import type { BunFile } from "bun";
import { type CookieSigner, type CookiesOptions, ResponseCookies } from "./cookies";
import type { HarpiaRequest } from "./request";
import type { JsonBody } from "./schema/infer";
import { type FileOptions, sendFileFrom } from "./static/send-file";
import {
  type ChunkSource,
  checkStreamOptions,
  isAsyncIterable,
  isChunkSource,
  iterableStream,
  type StreamChunk,
  type StreamOptions,
} from "./stream/iterable";
import { eventStreamBody, type SseProducer } from "./stream/sse";
import { checkSseOptions, type SseOptions } from "./stream/sse-format";
import {
  BODY,
  BUILD,
  CONTENT_TYPE,
  CONTEXT,
  CREATE,
  HAS_HEADERS,
  HAS_LOCALS,
  RETURNED,
  SENT_JSON,
  WIRE,
} from "./symbols";
import { byteLength } from "./utils/bytes";
import { checkHeader, checkHeaderValue, headerName } from "./utils/internal/header";
import { mergeVary } from "./utils/vary";

/** What `res.render` needs from the app (its view engine slot). */
export interface ViewEngineHost {
  renderView(
    view: string,
    data: Record<string, unknown>,
    res: HarpiaResponse,
    module?: string,
  ): Promise<string>;
}

/**
 * `res.locals`: values templates see. Free-form (any key), and typed where packages or apps
 * declare keys by declaration merging:
 *
 * @example
 * declare module "@harpia/core" {
 *   interface Locals { csrfToken?: string }
 * }
 */
export interface Locals {
  [key: string]: any;
}

/**
 * Bodies `res.send` accepts. Plain objects and arrays are sent as JSON; an async iterable (an
 * async generator) is streamed chunk by chunk, as by `res.stream()`.
 */
export type SendBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream
  | AsyncIterable<StreamChunk>
  | Response
  | Record<string, unknown>
  | unknown[]
  | null
  | undefined;

/**
 * A body `new Response(body)` accepts (Bun's `BodyInit`), named through the `Response` constructor
 * so that the published types do not need the DOM lib.
 */
export type ResponseBody = NonNullable<ConstructorParameters<typeof Response>[0]>;

const TEXT = "text/plain;charset=utf-8";
const HTML = "text/html;charset=utf-8";
const JSON_TYPE = "application/json;charset=utf-8";
const BYTES = "application/octet-stream";
const EVENT_STREAM = "text/event-stream";
/** Marks "no JSON value pending" (`undefined` and `null` are values a handler may send). */
const NO_JSON: unique symbol = Symbol("no-json");

/**
 * The response being built for one request. Middleware and handlers set status, headers,
 * cookies and the body; the app turns it into a single `Response` when the chain is done.
 */
export class HarpiaResponse<Out = unknown, Code extends number = 200> {
  /**
   * The status code (200 unless set). When the answer is a whole `Response` (returned by a
   * handler or given to `send`), that Response's status.
   */
  statusCode = 200;
  /** True once a body was set by `send`, `json`, `html`, `text`, `redirect`, `file` or `render`. */
  sent = false;
  /** @internal The content type set so far (written to the headers when the response is built). */
  [CONTENT_TYPE]: string | undefined = undefined;
  /** @internal Set when the response goes straight to a socket (Bun fills in text/plain itself). */
  [WIRE] = false;
  /** @internal A complete `Response` returned by a handler; res headers are merged into it. */
  [RETURNED]: Response | undefined = undefined;
  /** The error being answered, set before the error handler runs (for loggers and telemetry). */
  error: unknown = undefined;
  /** The request this response answers (set by the app; `undefined` for a response made by hand). */
  req: HarpiaRequest<any> | undefined = undefined;
  private headerMap: Headers | undefined = undefined;
  /**
   * Headers set with `res.header()` before anyone read `res.headers`: kept as flat name/value
   * pairs and written onto the built `Response`, which is cheaper than filling a `Headers` that
   * `new Response` would then copy.
   */
  private pending: string[] | undefined = undefined;
  /**
   * Prepared headers under all the others (`headerDefaults`): handed to the `Response` as they
   * are, the headers set on `res` written over them.
   */
  private base: Headers | undefined = undefined;
  private bodyInit: ResponseBody | null = null;
  /** A value sent with `json()`, serialised by `Response.json` when the response is built. */
  private jsonValue: unknown = NO_JSON;
  private localValues: Locals | undefined = undefined;
  private cookieJar: ResponseCookies | undefined = undefined;

  private constructor(
    private readonly signer: CookieSigner | undefined,
    private readonly views: ViewEngineHost | undefined,
    /** The request being answered, for conditional and range handling in `file()`. */
    private readonly request: Request | undefined,
  ) {}

  /** @internal Made by the app only. */
  static [CREATE](
    signer: CookieSigner | undefined,
    views: ViewEngineHost | undefined,
    request?: Request,
  ): HarpiaResponse {
    return new HarpiaResponse(signer, views, request);
  }

  /** Response headers (created on first use). */
  get headers(): Headers {
    const base = this.base;
    if (this.headerMap === undefined) {
      this.headerMap = base === undefined ? new Headers() : new Headers(base);
      this.base = undefined;
      const pending = this.pending;
      if (pending !== undefined) {
        for (let i = 0; i < pending.length; i += 2) this.headerMap.set(pending[i]!, pending[i + 1]!);
        this.pending = undefined;
      }
    } else if (base !== undefined) {
      this.base = undefined;
      for (const [name, value] of base) if (!this.headerMap.has(name)) this.headerMap.set(name, value);
    }
    return this.headerMap;
  }

  /**
   * Adds prepared headers that this response does not have yet: a name already set keeps its
   * value, and headers set later replace them. Made for fixed sets computed once at start-up
   * (security headers): the `Headers` is given to the built `Response` as it is instead of
   * being copied name by name, so pass the same object on every request and do not change it.
   *
   * @example
   * const SECURITY = new Headers({ "x-content-type-options": "nosniff", "x-frame-options": "DENY" });
   * app.addHook("onSend", (_req, res) => {
   *   res.headerDefaults(SECURITY);
   * });
   */
  headerDefaults(headers: Headers): this {
    const base = this.base;
    if (base === undefined) {
      this.base = headers;
    } else {
      // A second set goes under the first one.
      const merged = new Headers(headers);
      for (const [name, value] of base) merged.set(name, value);
      this.base = merged;
    }
    return this;
  }

  /** @internal Whether any header was set, without creating the `Headers`. */
  get [HAS_HEADERS](): boolean {
    return this.headerMap !== undefined || this.pending !== undefined || this.base !== undefined;
  }

  /** @internal The body as set so far (a JSON value is serialised on first read). */
  get [BODY](): ResponseBody | null {
    if (this.jsonValue !== NO_JSON) {
      this.bodyInit = JSON.stringify(this.jsonValue) ?? "null";
      this.jsonValue = NO_JSON;
    }
    return this.bodyInit;
  }

  /** @internal */
  set [BODY](body: ResponseBody | null) {
    this.jsonValue = NO_JSON;
    this.bodyInit = body;
  }

  /** @internal The value sent as JSON (`res.json`, an object returned or sent), else `undefined`. */
  get [SENT_JSON](): { value: unknown } | undefined {
    return this.jsonValue === NO_JSON ? undefined : { value: this.jsonValue };
  }

  /** @internal Whether `locals` was touched. */
  get [HAS_LOCALS](): boolean {
    return this.localValues !== undefined;
  }

  /**
   * Data for the view of this request, merged under the data of `res.render` (`res.locals.user`,
   * the CSP nonce). Typed by {@link Locals}; per-request values for code rather than templates
   * belong on `req.state`.
   */
  get locals(): Locals {
    if (this.localValues === undefined) this.localValues = {};
    return this.localValues;
  }

  set locals(value: Locals) {
    this.localValues = value;
  }

  /** Cookies to set on the response. */
  get cookies(): ResponseCookies {
    if (this.cookieJar === undefined) {
      this.cookieJar = new ResponseCookies(
        (header) => this.headers.append("set-cookie", header),
        this.signer,
      );
    }
    return this.cookieJar;
  }

  /** Shorthand for `res.cookies.set(name, value, options)`. */
  cookie(name: string, value: string, options?: CookiesOptions): this {
    this.cookies.set(name, value, options);
    return this;
  }

  /**
   * Sets the status code. On a route with response schemas, `res.status(404).json(x)` checks
   * `x` against the schema of 404.
   */
  status<C extends number>(code: C): HarpiaResponse<Out, C> {
    if (!Number.isInteger(code) || code < 100 || code > 599)
      throw new RangeError(`Invalid status code: ${code}`);
    this.statusCode = code;
    return this as HarpiaResponse<Out, C>;
  }

  /**
   * Sets a header (replacing any previous value). An invalid name, or a value with CR, LF or NUL,
   * throws an `HttpError` 500 (`INVALID_HEADER`) here, answered by the error handler.
   */
  header(name: string, value: string): this {
    const lower = headerName("res.header()", name);
    checkHeaderValue("res.header()", name, value);
    if (this.headerMap !== undefined) {
      this.headerMap.set(lower, value);
      return this;
    }
    this.pending ??= [];
    const pending = this.pending;
    for (let i = 0; i < pending.length; i += 2) {
      if (pending[i] === lower) {
        pending[i + 1] = value;
        return this;
      }
    }
    pending.push(lower, value);
    return this;
  }

  /** Whether a header is set (without creating `res.headers`). */
  hasHeader(name: string): boolean {
    if (this.base?.has(name)) return true;
    if (this.headerMap !== undefined) return this.headerMap.has(name);
    const pending = this.pending;
    if (pending === undefined) return false;
    const lower = name.toLowerCase();
    for (let i = 0; i < pending.length; i += 2) if (pending[i] === lower) return true;
    return false;
  }

  /** Sets `Content-Type` (a value with CR, LF or NUL throws, as in {@link header}). */
  type(contentType: string): this {
    checkHeader("res.type()", "content-type", contentType);
    this[CONTENT_TYPE] = contentType;
    return this;
  }

  /**
   * Sends a body: strings as text, bytes and streams as-is, `Blob`/`Bun.file` with their type,
   * objects and arrays as JSON, a `Response` as the whole response.
   */
  send(body?: SendBody): this {
    this.sent = true;
    if (body === undefined || body === null) {
      this[BODY] = null;
    } else if (typeof body === "string") {
      this[BODY] = body;
      this[CONTENT_TYPE] ??= TEXT;
    } else if (body instanceof Response) {
      this[RETURNED] = body;
      // What goes out is that Response, status included: hooks, loggers and metrics read this.
      this.statusCode = body.status;
    } else if (body instanceof Blob) {
      this[BODY] = body;
      if (body.type) this[CONTENT_TYPE] ??= body.type;
    } else if (body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof ReadableStream) {
      this[BODY] = body as ResponseBody;
      this[CONTENT_TYPE] ??= BYTES;
    } else if (isAsyncIterable(body)) {
      this.stream(body);
    } else {
      this.bodyInit = null;
      this.jsonValue = body;
      this[CONTENT_TYPE] ??= JSON_TYPE;
    }
    return this;
  }

  /**
   * Sends a value as JSON (`application/json; charset=utf-8`). On a route with response
   * schemas, `data` is typed by the schema of the current status (checked at run time in
   * development).
   */
  json(data: JsonBody<Out, Code>): this {
    this.sent = true;
    this.bodyInit = null;
    this.jsonValue = data === undefined ? null : data;
    this[CONTENT_TYPE] = JSON_TYPE;
    return this;
  }

  /** Sends HTML (`text/html; charset=utf-8`). */
  html(markup: string): this {
    this.sent = true;
    this[BODY] = markup;
    this[CONTENT_TYPE] = HTML;
    return this;
  }

  /** Sends plain text (`text/plain; charset=utf-8`). */
  text(content: string): this {
    this.sent = true;
    this[BODY] = content;
    this[CONTENT_TYPE] = TEXT;
    return this;
  }

  /**
   * Streams a body: a `ReadableStream` as is, or any iterable of chunks (strings are sent as
   * UTF-8, bytes as they are), async or not, such as an async generator. The iterator is asked
   * for a chunk only when the client has read the previous ones (`highWaterMark` chunks ahead at
   * most, default 0), so a slow client slows the producer down; a client that goes away ends
   * the iterator (a generator's `finally` runs) and aborts `req.signal`. `Content-Type` is
   * `application/octet-stream` unless set. An error thrown by the iterator is reported (the
   * app's `logErrors`) and cuts the connection: the head is sent by then.
   *
   * @example
   * app.get("/export.csv", (req, res) =>
   *   res.type("text/csv").stream(async function* () {
   *     yield "id,title\n";
   *     for await (const book of db.books(req.signal)) yield `${book.id},${book.title}\n`;
   *   }()),
   * );
   */
  stream(source: ReadableStream | ChunkSource, options?: StreamOptions): this {
    const highWaterMark = checkStreamOptions(options);
    if (typeof source === "string")
      throw new TypeError(
        "res.stream() takes a ReadableStream or an iterable of chunks; send a string with res.send()",
      );
    if (!(source instanceof ReadableStream) && !isChunkSource(source))
      throw new TypeError(
        `res.stream() takes a ReadableStream or an iterable of chunks, got ${source === null ? "null" : typeof source}`,
      );
    this.sent = true;
    this[CONTENT_TYPE] ??= BYTES;
    if (source instanceof ReadableStream) {
      this[BODY] = source as ResponseBody;
      return this;
    }
    const req = this.req;
    const report = req?.[CONTEXT].report;
    this[BODY] = iterableStream(
      source,
      highWaterMark,
      report === undefined ? undefined : (error) => report(error, req),
    ) as ResponseBody;
    return this;
  }

  /**
   * Answers with a stream of server-sent events (`text/event-stream`, `Cache-Control: no-cache`,
   * never compressed or buffered by nginx). `producer` runs once the client starts reading and
   * writes events with `stream.send({ data, event, id, retry })`; the stream ends when it
   * returns, when the client goes away (`stream.signal` aborts: stop there), or when the app
   * closes. A comment is sent every `heartbeat` (15 s) while no event is. `stream.lastEventId`
   * is the client's `Last-Event-ID`, to resume after a reconnection. A route `timeout` does not
   * cut the stream: it covers the time until the head is sent.
   *
   * @example
   * app.get("/clock", (req, res) =>
   *   res.sse(async (stream) => {
   *     while (!stream.signal.aborted) {
   *       await stream.send({ event: "tick", data: { now: Date.now() } });
   *       await Bun.sleep(1000);
   *     }
   *   }),
   * );
   */
  sse(producer: SseProducer, options?: SseOptions): this {
    if (typeof producer !== "function")
      throw new TypeError(
        "res.sse() takes a function that writes the events: res.sse(async (stream) => { ... })",
      );
    const checked = checkSseOptions(options);
    const req = this.req;
    const context = req?.[CONTEXT];
    const report = context?.report;
    const raw = req?.raw ?? this.request;
    this.sent = true;
    this[CONTENT_TYPE] = EVENT_STREAM;
    if (!this.hasHeader("cache-control")) this.header("cache-control", "no-cache");
    // nginx buffers proxied responses unless told not to: events would arrive in bursts.
    this.header("x-accel-buffering", "no");
    this[BODY] = eventStreamBody(producer, checked, {
      lastEventId: raw?.headers.get("last-event-id") ?? undefined,
      clientSignal: raw?.signal,
      report: report === undefined ? undefined : (error) => report(error, req),
      streams: context?.streams,
    }) as ResponseBody;
    return this;
  }

  /** Redirects (302 by default; use 301/308 for permanent, 303 after a POST). */
  redirect(url: string, status = 302): this {
    if (status < 300 || status > 399) throw new RangeError(`Redirect status must be 3xx, got ${status}`);
    checkHeader("res.redirect()", "location", url);
    this.statusCode = status;
    this.headers.set("location", url);
    this.sent = true;
    this[BODY] = null;
    return this;
  }

  /**
   * Sends a file from disk, streamed by Bun, with `ETag`, `Last-Modified` and
   * `Accept-Ranges`; answers `If-None-Match`/`If-Modified-Since` with 304 and `Range` with
   * 206 (416 when unsatisfiable). A missing file is a 404. With `{ root }` the path is
   * resolved safely inside that folder (for names that come from the client).
   *
   * @example
   * app.get("/download/:name", (req, res) => res.file(req.params.name, { root: "uploads" }));
   */
  async file(path: string | BunFile, options?: FileOptions): Promise<this> {
    await sendFileFrom(this.request, this, path, options);
    return this;
  }

  /** Renders a view with the app's template engine; `res.locals` is merged under `data`. */
  async render(view: string, data: Record<string, unknown> = {}): Promise<this> {
    const html = await this.views!.renderView(view, data, this);
    return this.html(html);
  }

  /** Renders views of one module (`modules/<name>/pages/<view>`) with `useModules` engines. */
  module(name: string): {
    render: (view: string, data?: Record<string, unknown>) => Promise<HarpiaResponse>;
  } {
    return {
      render: async (view, data = {}) => this.html(await this.views!.renderView(view, data, this, name)),
    };
  }

  /** The body's size in bytes when it is known before sending (not for streams), for logs. */
  get bodyLength(): number | undefined {
    if (this[RETURNED] !== undefined) {
      const declared = this[RETURNED].headers.get("content-length");
      return declared === null ? undefined : Number(declared);
    }
    const body = this[BODY];
    return body === null ? 0 : byteLength(body);
  }

  /**
   * @internal Builds the one `Response` for this request. May throw when a JSON value cannot be
   * serialised (a cycle, a BigInt); the pipeline answers that as a 500.
   */
  [BUILD](head: boolean): Response {
    if (this[RETURNED] !== undefined) {
      this.statusCode = this[RETURNED].status;
      return this.mergeInto(this[RETURNED], head);
    }
    if (head) return this.headResponse();
    if (this.base !== undefined) return this.buildOverBase(this.base);
    const status = this.statusCode;
    if (this.headerMap !== undefined) {
      const headers = this.headerMap;
      const type = this[CONTENT_TYPE];
      if (type !== undefined && !headers.has("content-type")) headers.set("content-type", type);
      if (this.jsonValue !== NO_JSON && !headers.has("content-type")) headers.set("content-type", JSON_TYPE);
      // A JSON value is serialised once, here, into the body `bodyLength` (loggers) reads too.
      return new Response(this[BODY], { status, headers });
    }
    let response: Response;
    if (this.jsonValue !== NO_JSON) {
      // Serialised once, here, into the body `bodyLength` (loggers) reads too; a JSON value sent
      // with another type (`res.json(x).type("application/problem+json")`) keeps it.
      const body = this[BODY];
      response = status === 200 ? new Response(body) : new Response(body, { status });
      response.headers.set("content-type", this[CONTENT_TYPE] ?? JSON_TYPE);
    } else {
      const body = this.bodyInit;
      response = status === 200 ? new Response(body) : new Response(body, { status });
      // On a socket Bun writes text/plain;charset=utf-8 for string bodies by itself; in process
      // (app.fetch, tests) nobody would, so it is set explicitly there.
      const type = this[CONTENT_TYPE];
      if (type !== undefined && !(this[WIRE] && type === TEXT && typeof body === "string")) {
        response.headers.set("content-type", type);
      }
    }
    const pending = this.pending;
    if (pending !== undefined)
      for (let i = 0; i < pending.length; i += 2) response.headers.set(pending[i]!, pending[i + 1]!);
    return response;
  }

  /**
   * The `Response` made with the prepared headers of {@link headerDefaults}, and every header
   * set on `res` written over them.
   */
  private buildOverBase(base: Headers): Response {
    const init = { status: this.statusCode, headers: base };
    const response =
      this.jsonValue !== NO_JSON ? Response.json(this.jsonValue, init) : new Response(this.bodyInit, init);
    const headers = response.headers;
    const map = this.headerMap;
    let typed = false;
    if (map !== undefined) {
      for (const [name, value] of map) {
        if (name === "set-cookie") headers.append(name, value);
        else headers.set(name, value);
      }
      typed = map.has("content-type");
    }
    const pending = this.pending;
    if (pending !== undefined)
      for (let i = 0; i < pending.length; i += 2) {
        headers.set(pending[i]!, pending[i + 1]!);
        if (pending[i] === "content-type") typed = true;
      }
    const type = this[CONTENT_TYPE];
    if (type !== undefined && !typed) headers.set("content-type", type);
    return response;
  }

  /** A HEAD answer: the GET answer's headers and length, no body. */
  private headResponse(): Response {
    const body = this[BODY];
    const headers = this.headers;
    if (body !== null) {
      const length = byteLength(body);
      if (length !== undefined) headers.set("content-length", String(length));
    }
    const type = this[CONTENT_TYPE];
    if (type !== undefined && !headers.has("content-type")) headers.set("content-type", type);
    return new Response(null, { status: this.statusCode, headers });
  }

  private mergeInto(response: Response, head: boolean): Response {
    if (!this[HAS_HEADERS] && !head) return response;
    const merged = new Response(head ? null : response.body, response);
    if (this[HAS_HEADERS]) {
      for (const [name, value] of this.headers) {
        if (name === "set-cookie") merged.headers.append(name, value);
        // Both sides' Vary fields matter to caches (e.g. Origin from CORS, Accept from the handler).
        else if (name === "vary") merged.headers.set(name, mergeVary(merged.headers.get(name), value));
        else if (!merged.headers.has(name)) merged.headers.set(name, value);
      }
    }
    return merged;
  }
}
