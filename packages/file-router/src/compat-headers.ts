import type { HarpiaRequest, Middleware } from "@harpia/core";

/** Headers read as properties, Express style: `req.headers.authorization`. */
export type IncomingHeaders = { readonly [name: string]: string | undefined };

/**
 * The request headers as file-router handlers see them: the standard `Headers` (so `get`,
 * `has`, iteration and `instanceof Headers` work) that also answers property reads with the
 * header's value (`req.headers.authorization`, `req.headers["x-api-key"]`), like Express.
 * The methods of `Headers` win over headers with the same name: read those with `get()`.
 */
export type CompatHeaders = Headers & IncomingHeaders;

function headerValue(target: Headers, name: string): string | undefined {
  try {
    return target.get(name) ?? undefined;
  } catch {
    // Not a valid header name (e.g. has spaces): no such header, as Express would say.
    return undefined;
  }
}

/** Shared by every view: no per-request closures. */
const handler: ProxyHandler<Headers> = {
  get(target, prop) {
    if (typeof prop === "symbol" || prop in target) {
      const value = Reflect.get(target, prop, target);
      // Headers' methods check their receiver, so they must run against the real object.
      return typeof value === "function" ? value.bind(target) : value;
    }
    return headerValue(target, prop);
  },
  has(target, prop) {
    if (typeof prop === "symbol" || prop in target) return prop in target;
    return headerValue(target, prop) !== undefined;
  },
  ownKeys(target) {
    return [...target.keys()];
  },
  getOwnPropertyDescriptor(target, prop) {
    if (typeof prop === "symbol" || prop in target) return Reflect.getOwnPropertyDescriptor(target, prop);
    const value = headerValue(target, prop);
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
  },
  set() {
    return false;
  },
  deleteProperty() {
    return false;
  },
  defineProperty() {
    return false;
  },
};

/** Wraps `Headers` in the Express-style view described by {@link CompatHeaders}. */
export function compatHeaders(headers: Headers): CompatHeaders {
  return new Proxy(headers, handler) as CompatHeaders;
}

/**
 * Gives `req.headers` the {@link CompatHeaders} view for the rest of the chain. Only the
 * file router's routes pay for it (one proxy per request); core's `req` is untouched.
 */
export const compatHeadersMiddleware: Middleware = (req: HarpiaRequest<any>, _res, next) => {
  Object.defineProperty(req, "headers", { value: compatHeaders(req.raw.headers), configurable: true });
  // Not returned: a sync middleware keeps a sync chain sync (core waits for `next` anyway).
  void next();
};
