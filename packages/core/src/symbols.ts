/**
 * Keys of the members `HarpiaRequest` and `HarpiaResponse` share with core's other modules
 * (the pipeline, static files, compression) and hide from everyone else: not exported by the
 * package, so no app or plugin can reach those members, and stripped from the published types.
 * A leaf module (no imports), so any module can use them without an import cycle.
 */

/** `HarpiaRequest.create(...)`: the app makes requests; users never do. */
export const CREATE: unique symbol = Symbol("harpia.create");

/** `req[PARSED]`: the parsed body (kind, value, text, files), set by the body policy. */
export const PARSED: unique symbol = Symbol("harpia.parsed");
/** `req[LOOKUP_PATH]`: the path used for matching (`path` without a trailing slash). */
export const LOOKUP_PATH: unique symbol = Symbol("harpia.lookupPath");
/** `req[FORWARDED](name)`: an `X-Forwarded-*` value the trusted proxies vouch for. */
export const FORWARDED: unique symbol = Symbol("harpia.forwarded");

/** `req[CONTEXT]`: what the app created the request with (reporter, open streams...). */
export const CONTEXT: unique symbol = Symbol("harpia.context");
/** `req[DEADLINE]`: set on a request whose route has a timeout, so `req.signal` can be aborted by it. */
export const DEADLINE: unique symbol = Symbol("harpia.deadline");
/** `req[ABORT](reason)`: aborts `req.signal` (the route's timeout passed). */
export const ABORT: unique symbol = Symbol("harpia.abort");

/** `res[CONTENT_TYPE]`: the content type set by `res.type()`/`send()`, before headers are built. */
export const CONTENT_TYPE: unique symbol = Symbol("harpia.contentType");
/** `res[WIRE]`: the response goes straight to a socket (Bun fills in text/plain itself). */
export const WIRE: unique symbol = Symbol("harpia.wire");
/** `res[RETURNED]`: a complete `Response` a handler returned; `res` headers are merged into it. */
export const RETURNED: unique symbol = Symbol("harpia.returned");
/** `res[BODY]`: the body as set so far (a JSON value is serialised on first read). */
export const BODY: unique symbol = Symbol("harpia.body");
/** `res[HAS_HEADERS]`: whether any header was set, without creating the `Headers`. */
export const HAS_HEADERS: unique symbol = Symbol("harpia.hasHeaders");
/** `res[HAS_LOCALS]`: whether `res.locals` was touched. */
export const HAS_LOCALS: unique symbol = Symbol("harpia.hasLocals");
/** `res[BUILD](head)`: builds the one `Response` of the request. */
export const BUILD: unique symbol = Symbol("harpia.build");
/** `handler[STATIC_MOUNT]`: what a static mount tells the app to serve its files natively. */
export const STATIC_MOUNT: unique symbol = Symbol("harpia.staticMount");
/** `req[VALIDATED](part, value)`: a route's schema output replaces `req.query` / `req.cookies`. */
export const VALIDATED: unique symbol = Symbol("harpia.validated");
/** `res[SENT_JSON]`: the value given to `res.json()` (or sent as JSON), for response schemas. */
export const SENT_JSON: unique symbol = Symbol("harpia.sentJson");
