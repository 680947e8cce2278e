import type { BunFile } from "bun";
import { type CookieSigner, type CookiesOptions, ResponseCookies } from "./cookies";
import { mergeVary } from "./cors/vary";
import type { ViewEngineHost } from "./engine";
import { type FileOptions, sendFileFrom } from "./static/send-file";

/** Bodies `res.send` accepts. Plain objects and arrays are sent as JSON. */
export type SendBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream
  | Response
  | Record<string, unknown>
  | unknown[]
  | null
  | undefined;

const TEXT = "text/plain;charset=utf-8";
const HTML = "text/html;charset=utf-8";
const JSON_TYPE = "application/json;charset=utf-8";

/**
 * The response being built for one request. Middleware and handlers set status, headers,
 * cookies and the body; the app turns it into a single `Response` when the chain is done.
 */
export class HarpiaResponse {
  /** The status code (200 unless set). */
  statusCode = 200;
  /** True once a body was set by `send`, `json`, `html`, `text`, `redirect`, `file` or `render`. */
  sent = false;
  /** @internal */ _body: BodyInit | null = null;
  /** @internal */ _type: string | undefined = undefined;
  /** @internal A complete `Response` returned by a handler; res headers are merged into it. */
  _response: Response | undefined = undefined;
  /** The error being answered, set before the error handler runs (for loggers and telemetry). */
  error: unknown = undefined;
  private _headers: Headers | undefined = undefined;
  private _locals: Record<string, any> | undefined = undefined;
  private _cookies: ResponseCookies | undefined = undefined;

  constructor(
    private readonly signer: CookieSigner | undefined,
    private readonly views: ViewEngineHost | undefined,
    /** @internal The request being answered, for conditional and range handling in `file()`. */
    readonly _request?: Request,
  ) {}

  /** Response headers (created on first use). */
  get headers(): Headers {
    if (this._headers === undefined) this._headers = new Headers();
    return this._headers;
  }

  /** @internal Whether any header was set, without creating the `Headers`. */
  get _hasHeaders(): boolean {
    return this._headers !== undefined;
  }

  /** @internal Whether `locals` was touched. */
  get _hasLocals(): boolean {
    return this._locals !== undefined;
  }

  /** Data for this request only, shared by middleware and templates (`res.locals.user`). */
  get locals(): Record<string, any> {
    if (this._locals === undefined) this._locals = {};
    return this._locals;
  }

  set locals(value: Record<string, any>) {
    this._locals = value;
  }

  /** Cookies to set on the response. */
  get cookies(): ResponseCookies {
    if (this._cookies === undefined) {
      this._cookies = new ResponseCookies((header) => this.headers.append("set-cookie", header), this.signer);
    }
    return this._cookies;
  }

  /** Shorthand for `res.cookies.set(name, value, options)`. */
  cookie(name: string, value: string, options?: CookiesOptions): this {
    this.cookies.set(name, value, options);
    return this;
  }

  /** Sets the status code. */
  status(code: number): this {
    if (!Number.isInteger(code) || code < 100 || code > 599)
      throw new RangeError(`Invalid status code: ${code}`);
    this.statusCode = code;
    return this;
  }

  /** Sets a header (replacing any previous value). */
  header(name: string, value: string): this {
    this.headers.set(name, value);
    return this;
  }

  /** Sets `Content-Type`. */
  type(contentType: string): this {
    this._type = contentType;
    return this;
  }

  /**
   * Sends a body: strings as text, bytes and streams as-is, `Blob`/`Bun.file` with their type,
   * objects and arrays as JSON, a `Response` as the whole response.
   */
  send(body?: SendBody): this {
    this.sent = true;
    if (body === undefined || body === null) {
      this._body = null;
    } else if (typeof body === "string") {
      this._body = body;
      this._type ??= TEXT;
    } else if (body instanceof Response) {
      this._response = body;
    } else if (body instanceof Blob) {
      this._body = body;
      if (body.type) this._type ??= body.type;
    } else if (body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof ReadableStream) {
      this._body = body as BodyInit;
      this._type ??= "application/octet-stream";
    } else {
      this._body = JSON.stringify(body);
      this._type ??= JSON_TYPE;
    }
    return this;
  }

  /** Sends a value as JSON (`application/json; charset=utf-8`). */
  json(data: unknown): this {
    this.sent = true;
    this._body = JSON.stringify(data) ?? "null";
    this._type = JSON_TYPE;
    return this;
  }

  /** Sends HTML (`text/html; charset=utf-8`). */
  html(markup: string): this {
    this.sent = true;
    this._body = markup;
    this._type = HTML;
    return this;
  }

  /** Sends plain text (`text/plain; charset=utf-8`). */
  text(content: string): this {
    this.sent = true;
    this._body = content;
    this._type = TEXT;
    return this;
  }

  /** Redirects (302 by default; use 301/308 for permanent, 303 after a POST). */
  redirect(url: string, status = 302): this {
    if (status < 300 || status > 399) throw new RangeError(`Redirect status must be 3xx, got ${status}`);
    this.statusCode = status;
    this.headers.set("location", url);
    this.sent = true;
    this._body = null;
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
    await sendFileFrom(this._request, this, path, options);
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
    if (this._response !== undefined) {
      const declared = this._response.headers.get("content-length");
      return declared === null ? undefined : Number(declared);
    }
    return this._body === null ? 0 : byteLength(this._body);
  }

  /** @internal Builds the one `Response` for this request. */
  _toResponse(head: boolean): Response {
    if (this._response !== undefined) return this.mergeInto(this._response, head);
    let body = this._body;
    if (head && body !== null) {
      const length = byteLength(body);
      body = null;
      if (length !== undefined) this.headers.set("content-length", String(length));
    }
    if (this._headers === undefined) {
      if (this._type === undefined) return new Response(body, { status: this.statusCode });
      return new Response(body, { status: this.statusCode, headers: { "content-type": this._type } });
    }
    if (this._type !== undefined && !this._headers.has("content-type"))
      this._headers.set("content-type", this._type);
    return new Response(body, { status: this.statusCode, headers: this._headers });
  }

  private mergeInto(response: Response, head: boolean): Response {
    if (this._headers === undefined && !head) return response;
    const merged = new Response(head ? null : response.body, response);
    if (this._headers !== undefined) {
      for (const [name, value] of this._headers) {
        if (name === "set-cookie") merged.headers.append(name, value);
        // Both sides' Vary fields matter to caches (e.g. Origin from CORS, Accept from the handler).
        else if (name === "vary") merged.headers.set(name, mergeVary(merged.headers.get(name), value));
        else if (!merged.headers.has(name)) merged.headers.set(name, value);
      }
    }
    return merged;
  }
}

function byteLength(body: BodyInit): number | undefined {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return undefined;
}
