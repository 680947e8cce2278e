import {
  definePlugin,
  type Harpia,
  type HarpiaRequest,
  type HarpiaResponse,
  type Middleware,
  type Plugin,
  type TrustProxy,
} from "@harpia/core";
import { requestProtocol } from "@harpia/core/utils";
import { type CompiledHeaders, compileHeaders } from "./headers";
import { getNonce, nonceFor } from "./nonce";
import type { SecurityHeaders } from "./types";

/**
 * Security headers compiled once from {@link SecurityHeaders}. Most code uses {@link shield};
 * this class is for applying the same headers by hand (e.g. on a raw `Bun.serve` response).
 */
export class Shield {
  /** Whether responses get a nonce. */
  readonly useNonce: boolean;
  private readonly compiled: CompiledHeaders;
  /** The deprecated `trustProxy` option (an extra source of "https" while set). */
  private readonly trustProxy: TrustProxy | undefined;

  constructor(options: SecurityHeaders = {}) {
    this.compiled = compileHeaders(options);
    this.useNonce = options.useNonce === true;
    this.trustProxy = options.trustProxy;
    if (this.trustProxy !== undefined) warnTrustProxyOnce();
  }

  /** Gives the response its nonce (`res.locals.nonce`) when `useNonce` is on. */
  prepare(res: HarpiaResponse): void {
    if (this.useNonce) nonceFor(res);
  }

  /** The nonce of this response (`undefined` without `useNonce`). */
  nonce(res: HarpiaResponse): string | undefined {
    return getNonce(res);
  }

  /** The Content-Security-Policy value for a nonce (the static value without `useNonce`). */
  policy(nonce?: string): string | undefined {
    const policy = this.compiled.policy;
    if (policy === undefined) return undefined;
    return nonce === undefined ? policy.parts.join("") : policy.parts.join(` 'nonce-${nonce}'`);
  }

  /**
   * Adds the headers to `res`. A header the route already set is left as it is, so one route
   * can loosen (or tighten) a policy for itself.
   */
  apply(req: HarpiaRequest<any>, res: HarpiaResponse): void {
    const headers = res.headers;
    for (const [name, value] of this.compiled.fixed) if (!headers.has(name)) headers.set(name, value);
    const policy = this.compiled.policy;
    if (policy !== undefined && !headers.has(policy.header)) {
      headers.set(policy.header, this.policy(this.useNonce ? nonceFor(res) : undefined)!);
    }
    const hsts = this.compiled.hsts;
    if (
      hsts !== undefined &&
      !headers.has("strict-transport-security") &&
      (req.secure || (this.trustProxy !== undefined && requestProtocol(req, this.trustProxy) === "https"))
    )
      headers.set("strict-transport-security", hsts);
    if (this.compiled.removePoweredBy) headers.delete("x-powered-by");
  }
}

let warnedTrustProxy = false;

/** `shield({ trustProxy })` is deprecated; say so once per process. */
function warnTrustProxyOnce(): void {
  if (warnedTrustProxy) return;
  warnedTrustProxy = true;
  console.warn(
    "[harpia/shield] the `trustProxy` option is deprecated: HSTS follows req.secure, which uses the app's " +
      "setting. Set harpia({ trustProxy }) instead and drop it here.",
  );
}

/** What {@link shield} returns: a plugin for `app.use`, and a middleware for one route or router. */
export type ShieldMiddleware = Middleware & Plugin & { readonly instance: Shield };

/**
 * Security headers on every response.
 *
 * - `app.use(shield(options))` installs hooks: the nonce is made before routing (`onRequest`)
 *   and the headers are added just before each response is built (`onSend`), so 404s, 405s,
 *   errors, static files and CORS preflights get them too, whatever the middleware order.
 * - `app.get(path, shield(options), handler)` or `router.use(shield(options))` applies them to
 *   those routes only; with `app.use(shield())` as well, the route's headers win.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { shield } from "@harpia/shield";
 * const app = harpia();
 * app.use(shield({ useNonce: true }));
 * app.get("/", (req, res) => res.html(`<script nonce="${res.locals.nonce}">hi()</script>`));
 */
export function shield(options: SecurityHeaders = {}): ShieldMiddleware {
  const instance = new Shield(options);
  const middleware: Middleware = async (req, res, next) => {
    instance.prepare(res);
    await next();
    instance.apply(req, res);
  };
  Object.defineProperty(middleware, "instance", { value: instance, enumerable: true });
  return definePlugin(
    {
      name: "@harpia/shield",
      setup(app: Harpia) {
        if (instance.useNonce) app.addHook("onRequest", (_req, res) => instance.prepare(res));
        app.addHook("onSend", (req, res) => instance.apply(req, res));
      },
    },
    middleware as Middleware & { readonly instance: Shield },
  );
}
