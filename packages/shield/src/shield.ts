import {
  definePlugin,
  type Harpia,
  type HarpiaRequest,
  type HarpiaResponse,
  type Middleware,
  type Next,
  type Plugin,
} from "@harpia/core";
import { type CompiledHeaders, compileHeaders } from "./headers";
import { nonceFor } from "./nonce";
import type { SecurityHeaders } from "./types";

/**
 * Security headers compiled once from {@link SecurityHeaders}. Most code uses {@link shield};
 * this class is for applying the same headers by hand, from your own middleware or hook.
 */
export class Shield {
  /** Whether requests get a nonce (`req.state.nonce`). */
  readonly useNonce: boolean;
  private readonly compiled: CompiledHeaders;
  /** Every header whose value never changes, prepared once: for plain HTTP, and for HTTPS (HSTS). */
  private readonly prepared: { http: Headers; https: Headers };
  /** The CSP header when it carries a nonce (so is made per request). */
  private readonly noncePolicy: string | undefined;

  constructor(options: SecurityHeaders = {}) {
    if (options === null || typeof options !== "object")
      throw new TypeError("shield(options): options must be an object");
    this.compiled = compileHeaders(options);
    this.useNonce = options.useNonce === true;
    if (Object.hasOwn(options, "trustProxy")) warnTrustProxyOnce();
    const { fixed, policy, hsts } = this.compiled;
    const http = new Headers(fixed);
    if (policy !== undefined && !this.useNonce) http.set(policy.header, policy.parts.join(""));
    const https = new Headers(http);
    if (hsts !== undefined) https.set("strict-transport-security", hsts);
    this.prepared = { http, https };
    this.noncePolicy = policy !== undefined && this.useNonce ? policy.header : undefined;
  }

  /**
   * Gives the request its nonce when `useNonce` is on: `req.state.nonce`, mirrored into
   * `res.locals.nonce` for templates. Call it before the handler runs.
   */
  prepare(req: HarpiaRequest<any>, res: HarpiaResponse): void {
    if (this.useNonce) nonceFor(req, res);
  }

  /** The Content-Security-Policy value for a nonce (the static value without `useNonce`). */
  policy(nonce?: string): string | undefined {
    const policy = this.compiled.policy;
    if (policy === undefined) return undefined;
    return nonce === undefined ? policy.parts.join("") : policy.parts.join(` 'nonce-${nonce}'`);
  }

  /**
   * Adds the headers to `res`. A header the route already set is left as it is, so one route
   * can loosen (or tighten) a policy for itself. HSTS is added on HTTPS requests only
   * (`req.secure`, which follows the app's `trustProxy`).
   */
  apply(req: HarpiaRequest<any>, res: HarpiaResponse): void {
    // The fixed set in one step, under whatever the route set (core's prepared headers).
    res.headerDefaults(
      this.compiled.hsts !== undefined && req.secure ? this.prepared.https : this.prepared.http,
    );
    const noncePolicy = this.noncePolicy;
    if (noncePolicy !== undefined && !res.hasHeader(noncePolicy))
      res.header(noncePolicy, this.policy(nonceFor(req, res))!);
    if (this.compiled.removePoweredBy && res.hasHeader("x-powered-by")) res.headers.delete("x-powered-by");
  }
}

let warnedTrustProxy = false;

/** `shield({ trustProxy })` is deprecated and ignored: the app's setting decides. Say so once per process. */
function warnTrustProxyOnce(): void {
  if (warnedTrustProxy) return;
  warnedTrustProxy = true;
  console.warn(
    "[harpia/shield] the `trustProxy` option is deprecated and ignored: HSTS follows req.secure, which uses the app's " +
      "setting. Set harpia({ trustProxy }) instead and drop it here.",
  );
}

/**
 * What {@link shield} returns: a plugin for `app.use`, also a middleware for one route or router.
 */
export type ShieldMiddleware = Middleware &
  Plugin & {
    /** The compiled headers this plugin applies. */
    readonly instance: Shield;
    /**
     * The seed's spelling, `app.use(shield.middleware(app))`: returns this same plugin (the
     * argument is ignored), so it installs exactly like `app.use(shield)`.
     */
    middleware(app?: Harpia): ShieldMiddleware;
  };

/**
 * Security headers on every response.
 *
 * - `app.use(shield(options))` installs hooks: the nonce is made before routing (`onRequest`,
 *   into `req.state.nonce` and `res.locals.nonce`) and the headers are added just before each
 *   response is built (`onSend`), so 404s, 405s, errors, static files and CORS preflights get
 *   them too, whatever the middleware order.
 * - `app.get(path, shield(options), handler)` or `router.use(shield(options))` applies them to
 *   those routes only; with `app.use(shield())` as well, the route's headers win.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { shield } from "@harpia/shield";
 * const app = harpia();
 * app.use(shield({ useNonce: true }));
 * app.get("/", (req, res) => res.html(`<script nonce="${req.state.nonce}">hi()</script>`));
 */
export function shield(options: SecurityHeaders = {}): ShieldMiddleware {
  const instance = new Shield(options);
  const handle = Object.assign(
    async function shieldMiddleware(req: HarpiaRequest<any>, res: HarpiaResponse, next: Next) {
      instance.prepare(req, res);
      await next();
      instance.apply(req, res);
    },
    {
      instance,
      middleware(_app?: Harpia): ShieldMiddleware {
        return plugin;
      },
    },
  );
  const plugin: ShieldMiddleware = definePlugin(
    {
      name: "@harpia/shield",
      setup(app: Harpia) {
        if (instance.useNonce) app.addHook("onRequest", (req, res) => instance.prepare(req, res));
        app.addHook("onSend", (req, res) => instance.apply(req, res));
      },
    },
    handle,
  );
  return plugin;
}
