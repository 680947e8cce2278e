import type { BunFile } from "bun";
import { type CookieSigner, type CookiesOptions, ResponseCookies } from "./cookies";
import type { HarpiaRequest } from "./request";
import { BYTES, HTML, JSON_TYPE, NO_JSON, type ResponseBody, type SendBody, TEXT } from "./response/body";
import { buildOverBase, buildResponse, headResponse, mergeInto } from "./response/build";
import { sendEvents, sendStream } from "./response/streaming";
import type { JsonBody } from "./schema/infer";
import { type FileOptions, sendFileFrom } from "./static/send-file";
import { type ChunkSource, isAsyncIterable, type StreamOptions } from "./stream/iterable";
import type { SseProducer } from "./stream/sse";
import type { SseOptions } from "./stream/sse-format";
import {
  BODY,
  BUILD,
  CONTENT_TYPE,
  CREATE,
  HAS_HEADERS,
  HAS_LOCALS,
  RETURNED,
  SENT_JSON,
  WIRE,
} from "./symbols";
import { byteLength } from "./utils/bytes";
import { checkHeader, checkHeaderValue, headerName } from "./utils/internal/header";

export type { ResponseBody, SendBody } from "./response/body";

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
    sendStream(this, source, options);
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
    sendEvents(this, this.request, producer, options);
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
   * @internal Builds the one `Response` for this request (the builders are in
   * `response/build.ts`). May throw when a JSON value cannot be serialised (a cycle, a BigInt);
   * the pipeline answers that as a 500.
   */
  [BUILD](head: boolean): Response {
    if (this[RETURNED] !== undefined) {
      this.statusCode = this[RETURNED].status;
      return mergeInto(this, this[RETURNED], head);
    }
    if (head) return headResponse(this);
    if (this.base !== undefined)
      return buildOverBase(this, this.base, this.headerMap, this.pending, this.jsonValue, this.bodyInit);
    return buildResponse(this, this.headerMap, this.pending, this.jsonValue !== NO_JSON, this.bodyInit);
  }
}
