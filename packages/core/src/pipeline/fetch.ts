/**
 * The entry of the request path: a `Request` (and the server it came through) in, one
 * `Response` out. Reads the compiled app it is given, once, and hands it down: nothing below
 * calls back into the app.
 */
import type { Server } from "bun";
import { FORM } from "../body/parse";
import { type AddressSource, HarpiaRequest } from "../request";
import { HarpiaResponse } from "../response";
import { CREATE, WIRE } from "../symbols";
import { type BodyHeaders, bodyHeaders, NO_BODY_METHODS, withBody } from "./body-policy";
import { runChain } from "./chain";
import { drainAnswer } from "./closing";
import type { CompiledApp, CompiledRoute } from "./compiled";
import { dispatch } from "./dispatch";
import { runOnRequest } from "./lifecycle";
import { fail } from "./respond";
import { withDeadline } from "./timeout";

/**
 * Handles one request. `wire` is true when answering a socket directly (from `listen`). The
 * path and query are split from the URL here, once. While the app drains, a request the load
 * balancer can resend is answered here, before anything else runs.
 */
export function handleRequest(
  compiled: CompiledApp,
  request: Request,
  server: AddressSource | Server<any> | undefined,
  wire: boolean,
): Response | Promise<Response> {
  const started = compiled.timed ? performance.now() : undefined;
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  const path = start === -1 ? "/" : query === -1 ? url.slice(start) : url.slice(start, query);
  if (compiled.closing.draining) {
    const refused = drainAnswer(compiled.closing, request.method, path);
    if (refused !== undefined) return refused;
  }
  const req = HarpiaRequest[CREATE](request, server, compiled.context, path, query);
  req.startTime = started;
  const res = HarpiaResponse[CREATE](compiled.signer, compiled.views, request);
  res.req = req;
  res[WIRE] = wire;
  if (compiled.hooks.onRequest.length !== 0) return afterOnRequest(compiled, req, res);
  return dispatch(compiled, req, res);
}

/**
 * A request Bun's native router matched to `route` (from `listen`): no URL parsing and no JS
 * matching. Whatever could make the JS path decide differently (onRequest hooks, method
 * override, a param Bun decoded leniently from a malformed escape, a drain) takes the full path.
 */
export function handleNative(
  compiled: CompiledApp,
  request: Bun.BunRequest,
  server: Server<any>,
  route: CompiledRoute,
): Response | Promise<Response> {
  if (compiled.hooks.onRequest.length !== 0 || compiled.closing.draining)
    return handleRequest(compiled, request, server, true);
  const started = compiled.timed ? performance.now() : undefined;
  let params: Record<string, string> | undefined;
  if (route.hasParams) {
    // Copied into an object without prototype, as `applyParams` builds: Bun's own has none of
    // Object.prototype's members but a prototype chain of its own, which a handler would see.
    const native = request.params as Record<string, string>;
    params = Object.create(null) as Record<string, string>;
    for (const name in native) {
      const value = native[name]!;
      if (value.includes("\uFFFD")) return handleRequest(compiled, request, server, true);
      params[name] = value;
    }
  }
  const method = request.method;
  let body: BodyHeaders | undefined;
  if (method !== "GET" && !NO_BODY_METHODS.has(method)) {
    // A POST may ask for another method (header, or `_method` in a form): the JS path
    // decides, including whether the request is allowed to (never a cross-site one).
    const headers = request.headers;
    const override = method === "POST" && compiled.override !== undefined;
    if (override && headers.has("x-http-method-override"))
      return handleRequest(compiled, request, server, true);
    body = bodyHeaders(request, headers);
    if (override && body?.type === FORM) return handleRequest(compiled, request, server, true);
  }
  const req = HarpiaRequest[CREATE](request, server, compiled.context, undefined, -1, method);
  req.route = route.pattern;
  req.startTime = started;
  if (params !== undefined) req.params = params;
  const res = HarpiaResponse[CREATE](compiled.signer, compiled.views, request);
  res.req = req;
  res[WIRE] = true;
  const parse = body !== undefined && route.parseBody ? body : undefined;
  if (route.timeout !== undefined)
    return withDeadline(compiled, route.timeout, req, res, (finish) =>
      parse === undefined
        ? runChain(route.chain, req, res, finish)
        : withBody(compiled, route, req, res, parse, finish),
    );
  if (parse !== undefined) return withBody(compiled, route, req, res, parse);
  return runChain(route.chain, req, res, compiled.finish);
}

/** The `onRequest` hooks first; one that answers skips routing. */
async function afterOnRequest(
  compiled: CompiledApp,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): Promise<Response> {
  try {
    if (await runOnRequest(compiled.hooks, req, res)) return compiled.finish(req, res);
  } catch (error) {
    return fail(compiled, req, res, error);
  }
  return dispatch(compiled, req, res);
}
