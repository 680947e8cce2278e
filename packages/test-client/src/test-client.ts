import { existsSync, statSync } from "node:fs";
import path from "node:path";

/**
 * A body `new Request(url, { body })` accepts (Bun's `BodyInit`), named through `RequestInit` so
 * that the published types do not need the DOM lib.
 */
export type RequestBody = NonNullable<RequestInit["body"]>;

/** Tells an app the client's address (the shape of Bun's `server.requestIP`). */
export interface AddressSource {
  requestIP(request: Request): { address: string; family?: string; port?: number } | null;
}

/** Anything that answers a `Request` in process: a Harpia app, a Hono app, a fetch function's owner. */
export interface FetchTarget {
  fetch(request: Request, server?: AddressSource): Response | Promise<Response>;
}

/** Options of {@link TestClient}. */
export interface TestClientOptions {
  /** Base URL of requests (default `http://localhost`). */
  baseUrl?: string;
  /** Keep cookies set by responses and send them with later requests of this client. */
  cookies?: boolean;
  /** Client IP address the app sees (`req.ip`), default `127.0.0.1`. */
  remoteAddress?: string;
}

type BodyKind = "json" | "raw" | "form";

/**
 * Builds one request. Each call to a verb on {@link TestClient} returns a fresh builder, so
 * builders never share headers, query or body.
 */
export class TestRequest {
  private readonly headers = new Headers();
  private readonly params = new URLSearchParams();
  private bodyKind: BodyKind | undefined;
  private rawBody: RequestBody | undefined;
  private readonly fields: [string, string | Blob][] = [];
  private address: string;

  constructor(
    private readonly client: TestClient,
    private readonly method: string,
    private readonly url: string,
  ) {
    this.address = client.config.remoteAddress ?? "127.0.0.1";
  }

  private kind(kind: BodyKind, call: string): void {
    if (this.bodyKind !== undefined && this.bodyKind !== kind) {
      throw new Error(
        `TestClient: cannot use .${call}() after a ${this.bodyKind} body was set; use one body kind per request`,
      );
    }
    this.bodyKind = kind;
  }

  /** Adds a query parameter (repeat the call for repeated keys). */
  query(name: string, value: string | number | boolean): this {
    this.params.append(name, String(value));
    return this;
  }

  /** Sets a request header. */
  set(name: string, value: string): this {
    this.headers.set(name, value);
    return this;
  }

  /** Adds a cookie to the `Cookie` header. */
  cookie(name: string, value: string): this {
    const current = this.headers.get("cookie");
    const pair = `${name}=${encodeURIComponent(value)}`;
    this.headers.set("cookie", current ? `${current}; ${pair}` : pair);
    return this;
  }

  /** The client address the app will see as `req.ip`. */
  ip(address: string): this {
    this.address = address;
    return this;
  }

  /**
   * Sends `data` as JSON (`Content-Type: application/json`). A string is taken as JSON text
   * already (as in the seed: `.json('{"name":"John"}')`) and sent as is; a string that is not
   * JSON is a `SyntaxError` here. To send a JSON string value, pass it encoded:
   * `.json(JSON.stringify("text"))`.
   */
  json(data: unknown): this {
    this.kind("json", "json");
    if (typeof data === "string") {
      try {
        JSON.parse(data);
      } catch (error) {
        throw new SyntaxError(
          `TestClient.json(): the string is not JSON (${(error as Error).message}); pass an object, or JSON.stringify() it`,
        );
      }
      this.rawBody = data;
    } else {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError(`TestClient.json(): ${typeof data} has no JSON form`);
      this.rawBody = text;
    }
    if (!this.headers.has("content-type")) this.headers.set("content-type", "application/json");
    return this;
  }

  /**
   * Sends a raw body: a string (text/plain unless a `Content-Type` was set), bytes, a Blob,
   * `URLSearchParams` (urlencoded) or a stream.
   */
  send(data: RequestBody): this {
    this.kind("raw", "send");
    this.rawBody = data;
    if (typeof data === "string" && !this.headers.has("content-type"))
      this.headers.set("content-type", "text/plain;charset=utf-8");
    return this;
  }

  /** Adds form fields, sent as `multipart/form-data` (combine with `.file()` / `.files()`). */
  formData(data: Record<string, string | number | boolean | Blob | (string | Blob)[]>): this {
    this.kind("form", "formData");
    for (const [name, value] of Object.entries(data)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        this.fields.push([name, item instanceof Blob ? item : String(item)]);
      }
    }
    return this;
  }

  /**
   * Attaches one file per field, from a path on disk or a `Blob`/`File`:
   * `.file({ avatar: "./a.jpg" })`.
   */
  file(files: Record<string, string | Blob>): this {
    this.kind("form", "file");
    for (const [field, source] of Object.entries(files)) this.fields.push([field, toFile(field, source)]);
    return this;
  }

  /** Attaches several files under each field: `.files({ photos: ["a.jpg", "b.jpg"] })`. */
  files(files: Record<string, (string | Blob)[]>): this {
    this.kind("form", "files");
    for (const [field, sources] of Object.entries(files)) {
      if (!Array.isArray(sources))
        throw new TypeError(`TestClient.files(): "${field}" must be an array of paths or Blobs`);
      for (const source of sources) this.fields.push([field, toFile(field, source)]);
    }
    return this;
  }

  /** The `Request` this builder describes. */
  build(): Request {
    const url = new URL(this.url, this.client.config.baseUrl ?? "http://localhost");
    for (const [name, value] of this.params) url.searchParams.append(name, value);
    const headers = new Headers(this.headers);
    const jar = this.client.cookieHeader();
    if (jar) headers.set("cookie", headers.has("cookie") ? `${jar}; ${headers.get("cookie")}` : jar);
    let body: RequestBody | undefined = this.rawBody;
    if (this.bodyKind === "form") {
      const form = new FormData();
      for (const [name, value] of this.fields) {
        if (value instanceof File) form.append(name, value, value.name);
        else form.append(name, value);
      }
      body = form;
      headers.delete("content-type"); // let fetch write the multipart boundary
    }
    if (body !== undefined && (this.method === "GET" || this.method === "HEAD")) {
      throw new Error(`TestClient: a ${this.method} request cannot have a body`);
    }
    return new Request(url, { method: this.method, headers, body });
  }

  /** Sends the request through the app in process and returns the standard `Response`. */
  async execute(): Promise<Response> {
    const request = this.build();
    const address = this.address;
    const server: AddressSource = {
      requestIP: () => ({ address, family: address.includes(":") ? "IPv6" : "IPv4", port: 0 }),
    };
    const response = await this.client.target.fetch(request, server);
    this.client.remember(response);
    return response;
  }

  /** Lets `await client.get("/")` work without `.execute()`. */
  // biome-ignore lint/suspicious/noThenProperty: a builder that is awaitable is the point here.
  then<T1 = Response, T2 = never>(
    onfulfilled?: ((value: Response) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.execute().then(onfulfilled, onrejected);
  }
}

/** A path is read from disk; a `File` is kept; another `Blob` becomes a `File` named "blob". */
function toFile(field: string, source: string | Blob): File {
  if (typeof source === "string") return readFile(source);
  if (source instanceof File) return source;
  if (source instanceof Blob) return new File([source], "blob", { type: source.type });
  throw new TypeError(`TestClient: "${field}" must be a file path or a Blob`);
}

function readFile(filePath: string): File {
  const resolved = path.resolve(filePath);
  if (!existsSync(resolved) || !statSync(resolved).isFile()) {
    throw new Error(`TestClient: file not found: ${resolved}`);
  }
  const file = Bun.file(resolved);
  return new File([file], path.basename(resolved), {
    type: file.type.split(";")[0] || "application/octet-stream",
  });
}

/**
 * Sends requests to an app in process, through `app.fetch`: no port, no network.
 *
 * @example
 * const res = await new TestClient(app).post("/users").json({ name: "Ada" }).execute();
 * expect(res.status).toBe(201);
 */
export class TestClient {
  private readonly jar = new Map<string, string>();
  /** @internal The app requests go to. */
  readonly target: FetchTarget;
  /** @internal */
  readonly config: TestClientOptions;

  constructor(target: FetchTarget, config: TestClientOptions = {}) {
    if (typeof target?.fetch !== "function")
      throw new TypeError("TestClient needs an app with a fetch(request) method");
    this.target = target;
    this.config = config;
  }

  /** A GET request. */
  get(url: string): TestRequest {
    return new TestRequest(this, "GET", url);
  }
  /** A POST request. */
  post(url: string): TestRequest {
    return new TestRequest(this, "POST", url);
  }
  /** A PUT request. */
  put(url: string): TestRequest {
    return new TestRequest(this, "PUT", url);
  }
  /** A DELETE request. */
  delete(url: string): TestRequest {
    return new TestRequest(this, "DELETE", url);
  }
  /** A PATCH request. */
  patch(url: string): TestRequest {
    return new TestRequest(this, "PATCH", url);
  }
  /** An OPTIONS request. */
  options(url: string): TestRequest {
    return new TestRequest(this, "OPTIONS", url);
  }
  /** A HEAD request. */
  head(url: string): TestRequest {
    return new TestRequest(this, "HEAD", url);
  }

  /** @internal The `Cookie` header from remembered cookies. */
  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** @internal Stores cookies from a response when `cookies: true`. */
  remember(response: Response): void {
    if (!this.config.cookies) return;
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /max-age=0\b/i.test(header) || /expires=thu, 01 jan 1970/i.test(header);
      if (expired || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** Cookies remembered so far (with `cookies: true`). */
  get cookies(): Record<string, string> {
    return Object.fromEntries(this.jar);
  }
}
