import type { Server } from "bun";
import { bodyKind, decodeBody, hasBody, mediaType, parseBody, tooLarge } from "./body/parse";
import type { CompiledRoute } from "./compile";
import { type Chain, compose, type ErrorResponder, runChain } from "./compose";
import type { CookieSigner } from "./cookies";
import type { EngineSlot } from "./engine";
import { HttpError } from "./errors";
import type { HookName, Hooks } from "./hooks";
import type { MethodOverride } from "./method-override";
import { type AddressSource, HarpiaRequest, type RequestContext } from "./request";
import { HarpiaResponse } from "./response";
import type { NativeTable } from "./router/native";
import type { RouterEngine } from "./router/types";
import type { Middleware } from "./types";
import { upgradeSocket } from "./ws/handshake";
import type { WebSocketHub } from "./ws/hub";
import { isWebSocketUpgrade } from "./ws/upgrade";

/** Everything compiled from the app's registrations, rebuilt when they change. */
export interface Compiled {
  router: RouterEngine<CompiledRoute>;
  /** App-level middleware + the unmatched answer (automatic OPTIONS, 405, static files, 404). */
  fallback: Chain;
  /** App-level middleware, for errors raised before any route ran. */
  middleware: Middleware[];
  bodyLimit: number;
  /** WebSocket routes (GET upgrades only); undefined when the app has none. */
  ws: RouterEngine<CompiledRoute> | undefined;
  /** Routes Bun's own router matches for `listen` (see `router/native.ts`). */
  native: NativeTable<CompiledRoute>;
}

/** What the pipeline reads from the app (its `@internal` members). */
export interface PipelineHost {
  _compiled(): Compiled;
  readonly _hooks: { readonly [K in HookName]: readonly Hooks[K][] };
  readonly _override: MethodOverride | undefined;
  readonly _signer: CookieSigner | undefined;
  readonly engine: EngineSlot;
  readonly _context: RequestContext;
  readonly _sockets: WebSocketHub;
  readonly _respondError: ErrorResponder;
  readonly _logError: ((error: unknown, req: HarpiaRequest<any> | undefined) => void) | undefined;
}

const NO_BODY_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const FORM = "application/x-www-form-urlencoded";

/** The body's media type and declared length, read once per request. */
interface BodyHeaders {
  type: string;
  length: string | null;
}

/** The body headers, or `undefined` when the request carries no body (the stream is not touched). */
function bodyHeaders(request: Request): BodyHeaders | undefined {
  const headers = request.headers;
  const length = headers.get("content-length");
  if (length === "0") return undefined;
  if (length === null && !headers.has("transfer-encoding") && request.body === null) return undefined;
  return { type: mediaType(headers.get("content-type")), length };
}

/** Params as an object without prototype: `:__proto__` is an ordinary name, `"constructor" in params` false. */
function decodeParams(names: readonly string[], values: string[]): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < names.length; i++) {
    const raw = values[i]!;
    params[names[i]!] = raw.includes("%") ? decodeURIComponent(raw) : raw;
  }
  return params;
}

/** Decodes a match's params onto `req`; false when an escape is malformed. */
export function applyParams(req: HarpiaRequest<any>, names: readonly string[], values: string[]): boolean {
  if (values.length === 0) return true;
  try {
    req.params = decodeParams(names, values);
    return true;
  } catch {
    return false;
  }
}

/** A 400 for a path whose percent-encoding does not decode. */
export const malformedPath = () =>
  new HttpError(400, "Malformed percent-encoding in URL path", { code: "MALFORMED_URI" });

/**
 * The request pipeline: `Request` in, one `Response` out. Every step stays synchronous until
 * something (a body, an async handler, a hook) needs to wait, so simple routes never pay for
 * promises.
 */
export class RequestPipeline {
  constructor(readonly host: PipelineHost) {}

  /** Handles one request. `wire` is true when answering a socket directly (from `listen`). */
  handle(
    request: Request,
    server: AddressSource | Server<any> | undefined,
    wire: boolean,
  ): Response | Promise<Response> {
    const host = this.host;
    const compiled = host._compiled();
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const query = url.indexOf("?", start);
    const path = start === -1 ? "/" : query === -1 ? url.slice(start) : url.slice(start, query);
    const req = new HarpiaRequest(request, server, host._context, path, query);
    const res = new HarpiaResponse(host._signer, host.engine, request);
    res.req = req;
    res._wire = wire;
    if (host._hooks.onRequest.length !== 0) return this.afterOnRequest(compiled, req, res);
    return this.route(compiled, req, res);
  }

  /**
   * A request Bun's native router matched to `route` (from `listen`): no URL parsing and no JS
   * matching. Whatever could make the JS pipeline decide differently (onRequest hooks, method
   * override, a param Bun decoded leniently from a malformed escape) takes the full path.
   */
  handleNative(
    request: Bun.BunRequest,
    server: Server<any>,
    route: CompiledRoute,
  ): Response | Promise<Response> {
    const host = this.host;
    if (host._hooks.onRequest.length !== 0) return this.handle(request, server, true);
    let params: Record<string, string> | undefined;
    if (route.hasParams) {
      // Copied into an object without prototype, as `decodeParams` builds: Bun's own has none of
      // Object.prototype's members but a prototype chain of its own, which a handler would see.
      const native = request.params as Record<string, string>;
      params = Object.create(null) as Record<string, string>;
      for (const name in native) {
        const value = native[name]!;
        if (value.includes("\uFFFD")) return this.handle(request, server, true);
        params[name] = value;
      }
    }
    const method = request.method;
    let body: BodyHeaders | undefined;
    if (!NO_BODY_METHODS.has(method)) {
      // A POST may ask for another method (header, or `_method` in a form): the JS pipeline
      // decides, including whether the request is allowed to (never a cross-site one).
      const override = method === "POST" && host._override !== undefined;
      if (override && request.headers.has("x-http-method-override"))
        return this.handle(request, server, true);
      body = bodyHeaders(request);
      if (override && body?.type === FORM) return this.handle(request, server, true);
    }
    const req = new HarpiaRequest(request, server, host._context);
    if (params !== undefined) req.params = params;
    const res = new HarpiaResponse(host._signer, host.engine, request);
    res.req = req;
    res._wire = true;
    if (body !== undefined && route.parseBody) return this.withBody(host._compiled(), route, req, res, body);
    return runChain(route.chain, req, res, this.finish);
  }

  private async afterOnRequest(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Promise<Response> {
    try {
      for (const hook of this.host._hooks.onRequest) {
        await hook(req, res);
        if (res.sent) return this.finish(req, res);
      }
    } catch (error) {
      return this.fail(compiled, req, res, error);
    }
    return this.route(compiled, req, res);
  }

  private route(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Response | Promise<Response> {
    const request = req.raw;
    if (compiled.ws !== undefined && request.method === "GET" && isWebSocketUpgrade(request)) {
      const match = compiled.ws.match("GET", req._lookupPath);
      if (match !== null) return upgradeSocket(this, compiled, match, req, res);
    }
    if (this.host._override !== undefined && request.method === "POST") {
      const overridden = this.override(compiled, req, res);
      if (overridden !== undefined) return overridden;
    }
    return this.dispatch(compiled, req, res);
  }

  /**
   * Applies method override; returns a pending response when the body had to be read first.
   * A request the policy refuses (a cross-site one) stays a POST, its body untouched.
   */
  private override(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Promise<Response> | undefined {
    const policy = this.host._override!;
    const header = req.headers.get("x-http-method-override");
    const type = header === null ? mediaType(req.headers.get("content-type")) : undefined;
    if (header === null && (type !== FORM || !hasBody(req.raw))) return undefined;
    if (!policy.permits(req)) return undefined;
    const allowed = policy.methods;
    if (header !== null) {
      const method = header.trim().toUpperCase();
      if (allowed.has(method)) req.method = method;
      return undefined;
    }
    return (async () => {
      try {
        req._parsed = await parseBody(req.raw, "form", compiled.bodyLimit);
        req.body = req._parsed.body;
      } catch (error) {
        return this.fail(compiled, req, res, error);
      }
      const wanted = (req.body as Record<string, unknown>)._method;
      if (typeof wanted === "string" && allowed.has(wanted.toUpperCase())) req.method = wanted.toUpperCase();
      return this.dispatch(compiled, req, res);
    })();
  }

  private dispatch(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
  ): Response | Promise<Response> {
    const match = compiled.router.match(req.method, req._lookupPath);
    if (match === null) return runChain(compiled.fallback, req, res, this.finish);
    if (!applyParams(req, match.names, match.values)) return this.fail(compiled, req, res, malformedPath());
    const route = match.value;
    if (route.parseBody && !NO_BODY_METHODS.has(req.method)) {
      const body = bodyHeaders(req.raw);
      if (body !== undefined) return this.withBody(compiled, route, req, res, body);
    }
    return runChain(route.chain, req, res, this.finish);
  }

  private async withBody(
    compiled: Compiled,
    route: CompiledRoute,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    body: BodyHeaders,
  ): Promise<Response> {
    const limit = route.bodyLimit ?? compiled.bodyLimit;
    try {
      const type = body.type;
      const kind = bodyKind(type);
      if (route.accepts !== undefined && (kind === undefined || !route.accepts.has(kind))) {
        const expected = [...route.accepts].join(" or ");
        throw new HttpError(
          415,
          `Content-Type "${type || "(none)"}" is not accepted here; expected ${expected}`,
          {
            code: "UNSUPPORTED_MEDIA_TYPE",
          },
        );
      }
      if (req._parsed !== undefined) {
        if (req._parsed.size > limit) throw tooLarge(limit);
      } else if (kind !== undefined) {
        const declared = body.length;
        if (kind !== "multipart" && declared !== null) {
          // The common case in one await: the length is known, Bun reads exactly that much.
          if (Number(declared) > limit) throw tooLarge(limit);
          req._parsed = decodeBody(kind, await req.raw.bytes(), route.bodyLimits);
        } else {
          req._parsed = await parseBody(req.raw, kind, limit, route.bodyLimits);
        }
        req.body = req._parsed.body;
      }
    } catch (error) {
      return this.fail(compiled, req, res, error);
    }
    return runChain(route.chain, req, res, this.finish);
  }

  /** Answers an error raised before any route ran, still through the app-level middleware. */
  fail(
    compiled: Compiled,
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    error: unknown,
  ): Response | Promise<Response> {
    const rethrow = () => {
      throw error;
    };
    return runChain(
      compose([...compiled.middleware, rethrow], this.host._respondError),
      req,
      res,
      this.finish,
    );
  }

  /** Builds the one `Response`, after the `onSend` hooks; then fires `onResponse`. */
  readonly finish = (req: HarpiaRequest<any>, res: HarpiaResponse): Response | Promise<Response> => {
    const hooks = this.host._hooks;
    if (hooks.onSend.length === 0 && hooks.onResponse.length === 0) return this.build(req, res);
    return this.finishWithHooks(req, res);
  };

  /** Runs the `onSend` hooks; a throwing hook is reported, never sent. */
  async runOnSend(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<void> {
    for (const hook of this.host._hooks.onSend) {
      try {
        await hook(req, res);
      } catch (error) {
        this.host._logError?.(error, req);
      }
    }
  }

  /** Fires the `onResponse` hooks without waiting for them. */
  fireOnResponse(req: HarpiaRequest<any>, res: HarpiaResponse, response: Response): void {
    for (const hook of this.host._hooks.onResponse) {
      try {
        const pending = hook(req, res, response);
        if (pending instanceof Promise) pending.catch((error) => this.host._logError?.(error, req));
      } catch (error) {
        this.host._logError?.(error, req);
      }
    }
  }

  private async finishWithHooks(req: HarpiaRequest<any>, res: HarpiaResponse): Promise<Response> {
    await this.runOnSend(req, res);
    const response = await this.build(req, res);
    this.fireOnResponse(req, res, response);
    return response;
  }

  /**
   * `res` → `Response`. Building can fail only when a JSON value does not serialise (a cycle, a
   * BigInt): that is answered as the server error it is, through the error handler.
   */
  private build(req: HarpiaRequest<any>, res: HarpiaResponse): Response | Promise<Response> {
    const head = req.raw.method === "HEAD";
    try {
      return res._toResponse(head);
    } catch (error) {
      res._body = null;
      const answered = this.host._respondError(error, req, res);
      return answered === undefined ? res._toResponse(head) : answered.then(() => res._toResponse(head));
    }
  }
}
