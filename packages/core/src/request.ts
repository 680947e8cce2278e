import type { Server } from "bun";
import { DEFAULT_JSON_DEPTH, parseJsonBody } from "./body/json";
import type { ParsedBody } from "./body/parse";
import type { UploadedFile } from "./body/types";
import { type CookieSigner, RequestCookies } from "./cookies";
import type { RequestShape } from "./schema/infer";
import type { OpenStreams } from "./stream/open-streams";
import { ABORT, CONTEXT, CREATE, DEADLINE, FORWARDED, LOOKUP_PATH, PARSED, VALIDATED } from "./symbols";
import type { SavedFile } from "./upload/saved-file";
import {
  type AddressSource,
  type ForwardedChain,
  forwardedEntry,
  type ProxyTrust,
  socketAddress,
} from "./utils/internal/ip";
import { trimTrailingSlash } from "./utils/path";

export type { AddressSource } from "./utils/internal/ip";

/** What the app hands a request at creation; shared, read-only configuration. */
export interface RequestContext {
  /** The app's `trustProxy`, compiled. */
  trust: ProxyTrust;
  signer?: CookieSigner;
  /** The app's JSON nesting limit, for `req.json()` on a body that was not parsed already. */
  jsonDepth?: number;
  /** Where errors nobody can answer any more are reported (a stream failing after its head was sent). */
  report?: (error: unknown, req: HarpiaRequest<any> | undefined) => void;
  /** The app's open event streams, ended by `app.close()`. */
  streams?: OpenStreams;
}

/**
 * Per-request values shared by middleware, plugins and handlers: `req.state`. Empty here;
 * packages and apps add their keys by declaration merging, and the keys are then typed
 * everywhere:
 *
 * @example
 * declare module "@harpia/core" {
 *   interface RequestState {
 *     user?: { id: string; name: string };
 *   }
 * }
 * app.use((req, res, next) => { req.state.user = lookUp(req); return next(); });
 * app.get("/me", (req) => req.state.user);
 */
// biome-ignore lint/suspicious/noEmptyInterface: packages and apps extend it by declaration merging
export interface RequestState {}

/**
 * A request part's type: the route schema's output when declared (`K` in `V`), else `D` (`any`
 * when `V` is). Written as `V extends { K: T }` rather than `K extends keyof V`: `keyof` would make
 * `V` contravariant, and a request with schemas would no longer pass as a `HarpiaRequest<any>`.
 */
type Part<V, K extends keyof RequestShape, D> = 0 extends 1 & V
  ? any
  : V extends { [P in K]: infer T }
    ? T
    : D;

/**
 * The request as handlers see it: the standard `Request` (as `raw`) plus parsed params, query,
 * cookies and body. One instance per request; nothing here is shared between requests.
 *
 * @typeParam P - the route's params, inferred from its pattern (or its `params` schema).
 * @typeParam V - the parts a route's schemas validated (`{ body: Book }`), inferred from them.
 */
export class HarpiaRequest<P = Record<string, string>, V extends RequestShape = {}> {
  /** The method the route was matched with (after method override). */
  method: string;
  /** Route parameters, percent-decoded once (an object without prototype). */
  params: P;
  /**
   * The parsed body: JSON value, nested form fields, text, or `undefined` when none was parsed;
   * with a `body` schema, its validated output.
   */
  body: Part<V, "body", any> = undefined as Part<V, "body", any>;
  /** @internal The parsed body, set by the body policy. */
  [PARSED]: ParsedBody | undefined = undefined;
  /** Files saved by `upload.single` / `upload.multiple` on this route (empty otherwise). */
  uploads: readonly SavedFile[] = NO_UPLOADS;
  /**
   * The pattern of the route that matched, as registered and with every router prefix
   * (`"/api/users/:id"`), for logs and metrics (one label per route, not per URL). Set before
   * the route's chain runs, Bun's native routes and WebSocket routes included. `undefined` when
   * no route matched: 404s, static files, the automatic `OPTIONS` and 405 answers, and requests
   * answered before routing (by an `onRequest` hook).
   */
  route: string | undefined = undefined;
  /**
   * When the request entered the app, from `performance.now()` (milliseconds), for timing it:
   * `performance.now() - req.startTime`. Noted only once something asked for it with
   * `app.timeRequests()` (the logger does), as reading the clock costs on every request;
   * `undefined` otherwise.
   */
  startTime: number | undefined = undefined;
  private stateValues: RequestState | undefined = undefined;
  private queryValues: Record<string, string> | undefined = undefined;
  private searchParamsValue: URLSearchParams | undefined = undefined;
  private cookieJar: RequestCookies | undefined = undefined;
  private forwardedChain: ForwardedChain | undefined = undefined;
  /**
   * Path and query position, split from `raw.url` on first use: a request matched by Bun's
   * native router may never need them, and on a live server building the URL string costs.
   */
  private pathValue: string | undefined;
  private queryIndex = -1;
  private lookupValue: string | undefined = undefined;
  /**
   * @internal True when the route has a timeout: `req.signal` then also aborts when it passes.
   * Set by the pipeline before the route's chain runs.
   */
  [DEADLINE] = false;
  /** Aborted by the route's timeout; made only when the signal is read or the timeout passes. */
  private deadlineController: AbortController | undefined = undefined;
  private signalValue: AbortSignal | undefined = undefined;
  /** `raw.method`, read once. */
  private readonly sentMethod: string;

  private constructor(
    /** The underlying Fetch API request. */
    readonly raw: Request,
    /** The Bun server (or address source) the request came through; absent under `app.fetch` alone. */
    readonly server: AddressSource | Server<any> | undefined,
    private readonly context: RequestContext,
    path: string | undefined,
    queryStart: number,
    method: string,
  ) {
    this.method = method;
    this.sentMethod = method;
    this.params = EMPTY as P;
    this.pathValue = path;
    this.queryIndex = queryStart;
  }

  /**
   * @internal Made by the app only. `path` and `queryStart` (index of `?` in `raw.url`, -1 for
   * none) when the caller already split the URL, else they are split on first use; `method`
   * when the caller read `raw.method` already.
   */
  static [CREATE](
    raw: Request,
    server: AddressSource | Server<any> | undefined,
    context: RequestContext,
    path?: string,
    queryStart = -1,
    method: string = raw.method,
  ): HarpiaRequest<any> {
    return new HarpiaRequest(raw, server, context, path, queryStart, method);
  }

  private splitUrl(): string {
    const url = this.raw.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const query = url.indexOf("?", start);
    this.queryIndex = query;
    this.pathValue = start === -1 ? "/" : query === -1 ? url.slice(start) : url.slice(start, query);
    return this.pathValue;
  }

  /**
   * This request's state (see {@link RequestState}): where plugins and middleware leave values
   * for later steps (`req.state.session`, `req.state.requestId`, your `req.state.user`). It has
   * no prototype, so a key never reads something inherited.
   */
  get state(): RequestState {
    if (this.stateValues === undefined) this.stateValues = Object.create(null) as RequestState;
    return this.stateValues;
  }

  /** The URL path, without the query string and still percent-encoded (`/books/a%20b`). */
  get path(): string {
    return this.pathValue ?? this.splitUrl();
  }

  /** Index of `?` in `raw.url`, or -1. */
  private get queryStart(): number {
    if (this.pathValue === undefined) this.splitUrl();
    return this.queryIndex;
  }

  /** @internal The path used for matching: `path` without a trailing slash. */
  get [LOOKUP_PATH](): string {
    this.lookupValue ??= trimTrailingSlash(this.path);
    return this.lookupValue;
  }

  /** The method the client sent, before any method override. */
  get originalMethod(): string {
    return this.sentMethod;
  }

  /** The full request URL. */
  get url(): string {
    return this.raw.url;
  }

  /**
   * The request headers (a standard `Headers`). With a `headers` schema, its declared keys also
   * read as properties holding their validated values (`req.headers["x-api-key"]`).
   */
  get headers(): Part<V, "headers", unknown> & Headers {
    return this.raw.headers as Part<V, "headers", unknown> & Headers;
  }

  /** One request header, case-insensitive; `null` when absent. */
  header(name: string): string | null {
    return this.raw.headers.get(name);
  }

  /**
   * Aborted when the client goes away, or when the route's `timeout` passes (its reason is then
   * a `TimeoutError` `DOMException`, as `AbortSignal.timeout` gives). Hand it to what the
   * handler waits on (`fetch(url, { signal: req.signal })`, a database query) so that work
   * stops with the request. Without a timeout it is `req.raw.signal`; with one, both are
   * combined (`AbortSignal.any`) on first read, so a request that never reads it pays nothing.
   */
  get signal(): AbortSignal {
    if (!this[DEADLINE]) return this.raw.signal;
    if (this.signalValue === undefined) {
      this.deadlineController ??= new AbortController();
      this.signalValue = AbortSignal.any([this.raw.signal, this.deadlineController.signal]);
    }
    return this.signalValue;
  }

  /** @internal Aborts `req.signal` with `reason` (the route's timeout passed). */
  [ABORT](reason: unknown): void {
    this.deadlineController ??= new AbortController();
    this.deadlineController.abort(reason);
  }

  /** @internal What the app created this request with. */
  get [CONTEXT](): RequestContext {
    return this.context;
  }

  /** The query string as `URLSearchParams`, for repeated keys and ordered access. */
  get searchParams(): URLSearchParams {
    if (this.searchParamsValue === undefined) {
      this.searchParamsValue = new URLSearchParams(
        this.queryStart === -1 ? "" : this.raw.url.slice(this.queryStart + 1),
      );
    }
    return this.searchParamsValue;
  }

  /**
   * Query parameters, first value of each key (`?a=1&a=2` → `{ a: "1" }`; see {@link queries}).
   * An object without prototype: `?__proto__=x` is an ordinary key and `"toString" in req.query`
   * is false. With a `query` schema, its validated output (repeated keys reach the schema as
   * arrays).
   */
  get query(): Part<V, "query", Record<string, string>> {
    if (this.queryValues === undefined) {
      const out: Record<string, string> = Object.create(null);
      if (this.queryStart !== -1) {
        for (const [key, value] of this.searchParams) if (!Object.hasOwn(out, key)) out[key] = value;
      }
      this.queryValues = out;
    }
    return this.queryValues as Part<V, "query", Record<string, string>>;
  }

  /** @internal A route's validated query or cookies replace the parsed ones (see `RouteSchema`). */
  [VALIDATED](part: "query" | "cookies", value: unknown): void {
    if (part === "query") this.queryValues = value as Record<string, string>;
    else this.cookieJar = value as RequestCookies;
  }

  /** Every value of a repeated query parameter (`?tag=a&tag=b` → `["a", "b"]`). */
  queries(name: string): string[] {
    return this.queryStart === -1 ? [] : this.searchParams.getAll(name);
  }

  /**
   * Cookies the client sent (`req.cookies.get(name)`, `getAll()`, `getSigned(name)`). With a
   * `cookies` schema, its validated output instead (a plain object of the declared cookies).
   */
  get cookies(): Part<V, "cookies", RequestCookies> {
    if (this.cookieJar === undefined)
      this.cookieJar = new RequestCookies(this.raw.headers.get("cookie"), this.context.signer);
    return this.cookieJar as Part<V, "cookies", RequestCookies>;
  }

  /** What the trusted proxies say about the client (walked once, on first use). */
  private get chain(): ForwardedChain {
    this.forwardedChain ??= this.context.trust.resolve(this.raw.headers, () =>
      socketAddress(this.raw, this.server),
    );
    return this.forwardedChain;
  }

  /**
   * The client's IP address, THE one every package uses: the socket's, or what the proxies the
   * app's `trustProxy` trusts say (`X-Forwarded-For` walked from the right, or the header named
   * by `trustProxy: { header }`). `undefined` when unknown (e.g. `app.fetch` without a server).
   */
  get ip(): string | undefined {
    return this.chain.client;
  }

  /**
   * @internal The value of an `X-Forwarded-*` header (`x-forwarded-proto`, `x-forwarded-host`)
   * that the app's trusted proxies vouch for, if any.
   */
  [FORWARDED](name: string): string | undefined {
    if (!this.context.trust.enabled) return undefined;
    return forwardedEntry(this.raw.headers.get(name), this.chain.trusted);
  }

  /**
   * `"https"` or `"http"`: the request URL's protocol, or with the app's `trustProxy` the
   * `X-Forwarded-Proto` a trusted proxy added.
   */
  get protocol(): "http" | "https" {
    if (this.raw.url.startsWith("https:")) return "https";
    return this[FORWARDED]("x-forwarded-proto")?.toLowerCase() === "https" ? "https" : "http";
  }

  /** True when the client reached the app over HTTPS (see {@link protocol}). */
  get secure(): boolean {
    return this.protocol === "https";
  }

  /** Files of a multipart body (empty otherwise). */
  get files(): UploadedFile[] {
    return this[PARSED]?.files ?? NO_FILES;
  }

  /** The first file sent under a field name. */
  file(field: string): UploadedFile | undefined {
    return this.files.find((f) => f.fieldname === field);
  }

  /** The body as text. Works before or after the automatic parse (the body is read once). */
  async text(): Promise<string> {
    if (this[PARSED]?.text !== undefined) return this[PARSED].text;
    return this.raw.text();
  }

  /**
   * The body as JSON (the parsed value when the body was already parsed as JSON). Otherwise the
   * text is parsed with the app's `jsonDepth` limit; malformed or too deep JSON is a 400.
   */
  async json<T = unknown>(): Promise<T> {
    if (this[PARSED]?.kind === "json") return this[PARSED].body as T;
    return parseJsonBody(await this.text(), this.context.jsonDepth ?? DEFAULT_JSON_DEPTH) as T;
  }

  /** The body as `FormData` (the parsed form when the body was multipart). */
  async formData(): Promise<FormData> {
    if (this[PARSED]?.formData) return this[PARSED].formData;
    return this.raw.formData();
  }

  /** The raw body bytes (only when it was not parsed already). */
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.raw.arrayBuffer();
  }
}

/** The params of a route without any (or whose optional ones are absent): no prototype, frozen. */
const EMPTY = Object.freeze(Object.create(null));
const NO_FILES: UploadedFile[] = [];
const NO_UPLOADS: readonly SavedFile[] = Object.freeze([]);
