import { type BodyKind, encodeBody, readBody } from "./body";
import type { CallOptions, Client, RouteInput } from "./types";
import { appendQuery, fillPath } from "./url";

/** A `fetch`-like function: `globalThis.fetch`, an app's `app.fetch`, a test double. */
export type FetchFunction = (request: Request) => Response | Promise<Response>;

/** Headers for every request, or a function returning them (called per request, e.g. for a fresh token). */
export type HeadersOption =
  | Record<string, string>
  | Headers
  | (() => Record<string, string> | Headers | Promise<Record<string, string> | Headers>);

/**
 * The body kinds of the routes that take no JSON body, by `"METHOD /path"` key, as
 * `harpia-client generate` writes it (`export const accepts` in the generated file). A route
 * missing from it, or listing `"json"`, is sent JSON.
 */
export type RouteAccepts = Readonly<Record<string, readonly BodyKind[]>>;

/** Options of {@link createClient}. */
export interface ClientOptions {
  /**
   * Origin (and optional path prefix) requests go to: `"https://api.example.com"`,
   * `"http://localhost:3000/v1"`. Default: the page's origin in a browser, else
   * `http://localhost` (for in-process use with `fetch: app.fetch`).
   */
  baseUrl?: string;
  /** The function requests go through (default `globalThis.fetch`); pass `app.fetch` to call an app in process. */
  fetch?: FetchFunction;
  /** Headers sent with every request (a call's own headers win). */
  headers?: HeadersOption;
  /** Other `fetch` options for every request (`credentials: "include"`, ...). */
  init?: Omit<RequestInit, "method" | "body" | "headers" | "signal">;
  /**
   * The body kinds of the routes that take no JSON (the generated file's `accepts`): a plain
   * object sent to such a route goes as form fields (`URLSearchParams`) or multipart form data
   * (`FormData`, files as files), a string to a text route as `text/plain`. Default: every
   * route takes JSON.
   */
  accepts?: RouteAccepts;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const BODY_KINDS = new Set<unknown>(["json", "form", "multipart", "text"]);

function defaultBaseUrl(): string {
  const location = (globalThis as { location?: { origin?: string } }).location;
  return location?.origin && location.origin !== "null" ? location.origin : "http://localhost";
}

function checkOptions(options: ClientOptions): void {
  if (options === null || typeof options !== "object")
    throw new TypeError("createClient: options must be an object");
  if (options.fetch !== undefined && typeof options.fetch !== "function")
    throw new TypeError("createClient: the fetch option must be a function (globalThis.fetch, app.fetch)");
  if (options.baseUrl !== undefined) {
    if (typeof options.baseUrl !== "string" || !URL.canParse(options.baseUrl))
      throw new TypeError(
        `createClient: the baseUrl option must be an absolute URL, got ${String(options.baseUrl)}`,
      );
  }
  const headers = options.headers;
  if (headers !== undefined && (headers === null || !["object", "function"].includes(typeof headers)))
    throw new TypeError("createClient: the headers option must be an object, Headers or a function");
  const accepts = options.accepts;
  if (accepts === undefined) return;
  if (accepts === null || typeof accepts !== "object" || Array.isArray(accepts))
    throw new TypeError(
      "createClient: the accepts option must be an object of route keys (the generated accepts)",
    );
  for (const [route, kinds] of Object.entries(accepts))
    if (!Array.isArray(kinds) || kinds.some((kind) => !BODY_KINDS.has(kind)))
      throw new TypeError(
        `createClient: accepts["${route}"] must be an array of "json", "form", "multipart" or "text", got ${JSON.stringify(kinds)}`,
      );
}

/**
 * Makes a client typed by a route map (`Routes`, written by `harpia-client generate`):
 *
 * @example
 * import type { Routes } from "./routes.gen";
 * const api = createClient<Routes>({ baseUrl: "https://api.example.com" });
 * const res = await api.get("/books/:id", { params: { id: 1 } });
 * if (res.ok) console.log(res.data.title);
 * else if (res.status === 404) console.log(res.error.detail);
 */
export function createClient<Routes>(options: ClientOptions = {}): Client<Routes> {
  checkOptions(options);
  const base = new URL(options.baseUrl ?? defaultBaseUrl());
  const prefix = base.pathname.replace(/\/+$/, "");
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const accepts = options.accepts;

  async function call(method: string, path: string, input: RouteInput & CallOptions = {}) {
    if (typeof path !== "string" || !path.startsWith("/"))
      throw new TypeError(`${method}: the path must start with "/", got ${String(path)}`);
    const url = new URL(base);
    url.pathname = prefix + fillPath(path, input.params);
    appendQuery(url, input.query);
    const headers = new Headers();
    const shared = typeof options.headers === "function" ? await options.headers() : options.headers;
    for (const [name, value] of new Headers(shared)) headers.set(name, value);
    const route = `${method} ${path}`;
    const { body, contentType } = encodeBody(
      input.body,
      accepts && Object.hasOwn(accepts, route) ? accepts[route] : undefined,
    );
    if (contentType) headers.set("content-type", contentType);
    for (const [name, value] of Object.entries(input.headers ?? {}))
      if (value !== undefined) headers.set(name, value);
    if (!headers.has("accept"))
      headers.set("accept", "application/json, application/problem+json;q=0.9, */*;q=0.1");
    const request = new Request(url, {
      ...options.init,
      ...input.init,
      method,
      headers,
      body,
      signal: input.signal,
    });
    const response = await send(request);
    const parsed = await readBody(response, method);
    return response.ok
      ? { ok: true, status: response.status, data: parsed, response }
      : { ok: false, status: response.status, error: parsed, response };
  }

  const client: Record<string, unknown> = {
    request: (route: string, input?: RouteInput & CallOptions) => {
      const space = typeof route === "string" ? route.indexOf(" ") : -1;
      if (space <= 0)
        throw new TypeError(`request: expected a "METHOD /path" route key, got ${String(route)}`);
      return call(route.slice(0, space).toUpperCase(), route.slice(space + 1), input);
    },
  };
  for (const method of METHODS)
    client[method.toLowerCase()] = (path: string, input?: RouteInput & CallOptions) =>
      call(method, path, input);
  return client as unknown as Client<Routes>;
}
