/**
 * `harpia(options)`: the options, checked and resolved once when the app is created, and the
 * settings plugins read from `app.settings`.
 */
import { DEFAULT_JSON_DEPTH } from "../body/json";
import { type CookieSignatureCompat, CookieSigner } from "../cookies";
import type { ErrorReporter } from "../hooks";
import {
  compileMethodOverride,
  type MethodOverride,
  type MethodOverrideOptions,
} from "../pipeline/method-override";
import type { HarpiaRequest, RequestContext } from "../request";
import { OpenStreams } from "../stream/open-streams";
import { type Duration, parseDuration } from "../utils/duration";
import { positiveInteger } from "../utils/internal/check";
import { compileTrustProxy, type TrustProxy } from "../utils/internal/ip";
import { optionalSize, type Size } from "../utils/size";
import { compileWebSocketOptions, type WsOriginPolicy } from "../ws/origins";

/** Options of `harpia()`. */
export interface HarpiaOptions {
  /** Development mode: error responses show messages and stack traces. `listen({ development })` sets it too. */
  development?: boolean;
  /**
   * Which proxies to believe for `req.ip`, `req.protocol` and the app's own origin: a number of
   * hops, `true`, trusted proxy addresses/CIDRs, or `{ header: "cf-connecting-ip" }` (see
   * {@link TrustProxy}). Default `false`: the socket and the URL only. Checked at creation.
   */
  trustProxy?: TrustProxy;
  /** Secret(s) for signed cookies; the first signs, all verify (for rotation). */
  cookieSecret?: string | string[];
  /**
   * Also accept cookies signed by another framework with the same `cookieSecret` (read only:
   * Harpia still signs in its own format). `"express"`: cookie-parser's `s:value.signature`.
   * Opt-in because Express's signature does not bind the cookie's name.
   */
  cookieSignatureCompat?: CookieSignatureCompat;
  /**
   * Default largest body parsed: bytes, or a size such as `"100kb"` (default 1 MiB, or
   * `listen({ maxRequestBodySize })`). Routes raise or lower it with `{ bodyLimit }`. Checked
   * here: `NaN`, fractions, zero or negative sizes throw a `TypeError`.
   */
  bodyLimit?: Size;
  /**
   * Deepest nesting of arrays and objects accepted in a JSON body (default 64); deeper bodies
   * are refused with 400 `BODY_TOO_DEEP` before they are parsed. Routes set their own with
   * `{ jsonDepth }`.
   */
  jsonDepth?: number;
  /**
   * How long any route may take to answer, unless it sets its own `{ timeout }`: milliseconds or
   * a duration such as `"30s"`. Past it the client gets a 503 `TIMEOUT` and `req.signal` aborts
   * (with a `TimeoutError`), so the handler and its fetches can stop; whatever the handler does
   * later changes nothing. It covers the time until the response is ready, not the body of a
   * streamed response. Default: none. Checked here.
   */
  timeout?: Duration;
  /**
   * Longest value, in characters of the encoded path, tested against a route parameter's
   * constraint (`/:id(\\d+)`); a longer segment simply does not match that parameter. Default 256.
   * Bounds the time any constraint can take per request.
   */
  constraintMaxLength?: number;
  /**
   * Method override for HTML forms: a POST with `_method` in its urlencoded body, or an
   * `X-HTTP-Method-Override` header, is routed as that method. On by default for PUT, PATCH
   * and DELETE, for requests that are not cross-site (a cross-site one stays a POST);
   * `false` turns it off; `{ methods, allowOrigins }` changes the methods and lists other
   * origins whose forms may override.
   */
  methodOverride?: boolean | MethodOverrideOptions;
  /**
   * WebSocket routes: `allowOrigins` lists the origins, besides the app's own, whose pages may
   * open them (`["https://app.example.com"]`), or is `"*"` for any page. By default a handshake
   * from another origin's page is refused (403 `WS_ORIGIN_REFUSED`) before the route's chain runs:
   * browsers send the visitor's cookies with a handshake whichever site opens it, so another
   * site could otherwise talk to your sockets as the signed-in visitor. Clients that are not
   * browsers (no `Origin`, no `Sec-Fetch-Site`) are not affected. A route's own
   * `app.ws(path, { allowOrigins })` replaces this. Checked here.
   */
  webSocket?: {
    /** Other origins whose pages may open WebSocket routes, or `"*"` for any. */
    allowOrigins?: "*" | readonly string[];
  };
  /**
   * Let `listen()` hand plain routes to Bun's native router (faster: no URL parsing or JS
   * matching per request). Bun's table slows down as it grows (measured: within 3% up to 100
   * routes, a third slower for the last of 1,000), while the JS trie stays flat, so by default
   * apps with more than 100 such routes use the JS router only. `false` turns it off; a number
   * sets the limit. Answers are the same either way.
   */
  nativeRoutes?: boolean | number;
  /**
   * Where unexpected (5xx) errors are reported: `console.error` by default, a function of
   * yours, or `false` for silence. When left to the default (or `true`), a logging plugin may
   * take over (`app.setErrorReporter()`: the JSON `logger()` writes them as log lines).
   */
  logErrors?: boolean | ((error: unknown, req: HarpiaRequest<any> | undefined) => void);
  /**
   * Check what routes send against their `schema.response` in production too (a mismatch is a
   * 500 `RESPONSE_VALIDATION_FAILED`). Responses are always checked in development mode and,
   * by default, never in production, where the check would cost on every response.
   */
  validateResponses?: boolean;
}

/** What plugins read from the app (`app.settings`): set once, at `harpia(options)`. */
export interface AppSettings {
  /** Development mode (follows `listen({ development })`). */
  readonly development: boolean;
  /** Which proxies `req.ip`/`req.protocol` believe, as given to `harpia({ trustProxy })`. */
  readonly trustProxy: TrustProxy;
  /** The default body limit, in bytes. */
  readonly bodyLimit: number;
  /** The JSON nesting limit. */
  readonly jsonDepth: number;
  /** Whether method override is on. */
  readonly methodOverride: boolean;
  /** Whether a `cookieSecret` was given (use `app.signer` to sign and verify with it). */
  readonly cookieSecret: boolean;
  /** Whether responses are checked against route response schemas outside development. */
  readonly validateResponses: boolean;
}

/** The body limit when neither `harpia({ bodyLimit })` nor `listen({ maxRequestBodySize })` sets one. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The options, checked and compiled. */
export interface AppConfig {
  readonly development: boolean;
  readonly trustProxy: TrustProxy;
  /** `harpia({ bodyLimit })` in bytes, when given (it wins over `listen`'s). */
  readonly bodyLimit: number | undefined;
  readonly jsonDepth: number;
  /** `harpia({ timeout })` in milliseconds, when given. */
  readonly timeout: number | undefined;
  readonly constraintMaxLength: number | undefined;
  readonly signer: CookieSigner | undefined;
  /**
   * `app.signer`: the same secrets, but never the Express-compatible reader — Express signatures
   * cover the value only, not what it is bound to, so a plugin signing tokens must not accept them.
   */
  readonly pluginSigner: CookieSigner | undefined;
  readonly override: MethodOverride | undefined;
  /** `harpia({ webSocket: { allowOrigins } })`: where WebSocket handshakes may come from. */
  readonly wsOrigins: WsOriginPolicy;
  readonly context: RequestContext;
  readonly report: ErrorReporter | undefined;
  /** `logErrors` was left to its default: a logging plugin may take over (`app.setErrorReporter`). */
  readonly defaultReport: boolean;
  /** Most routes handed to Bun's native router (0: none). */
  readonly nativeLimit: number;
  /** `harpia({ validateResponses })`. */
  readonly validateResponses: boolean;
}

/**
 * What `app.settings` holds for an app made with `config`, frozen; `development` follows the
 * app's current mode (read through `development`).
 */
export function appSettings(config: AppConfig, development: () => boolean): AppSettings {
  return Object.freeze({
    get development() {
      return development();
    },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit ?? DEFAULT_BODY_LIMIT,
    jsonDepth: config.jsonDepth,
    methodOverride: config.override !== undefined,
    cookieSecret: config.signer !== undefined,
    validateResponses: config.validateResponses,
  });
}

/** Checks `harpia(options)` (a `TypeError` naming a wrong option) and compiles it. */
export function resolveOptions(options: HarpiaOptions): AppConfig {
  if (options === null || typeof options !== "object")
    throw new TypeError("harpia() takes an options object");
  // Checked in this order, so the first wrong option named is always the same one.
  const bodyLimit = optionalSize(options.bodyLimit, "harpia({ bodyLimit })");
  const jsonDepth =
    options.jsonDepth === undefined
      ? DEFAULT_JSON_DEPTH
      : positiveInteger(options.jsonDepth, "harpia({ jsonDepth })");
  const timeout =
    options.timeout === undefined ? undefined : parseDuration(options.timeout, "harpia({ timeout })");
  const constraintMaxLength =
    options.constraintMaxLength === undefined
      ? undefined
      : positiveInteger(options.constraintMaxLength, "harpia({ constraintMaxLength })");
  if (options.cookieSignatureCompat !== undefined && options.cookieSecret === undefined)
    throw new TypeError("cookieSignatureCompat needs harpia({ cookieSecret })");
  const signer =
    options.cookieSecret === undefined
      ? undefined
      : new CookieSigner(options.cookieSecret, options.cookieSignatureCompat);
  const trust = compileTrustProxy(options.trustProxy);
  const override = compileMethodOverride(options.methodOverride);
  const wsOrigins = compileWebSocketOptions(options.webSocket);
  const log = options.logErrors ?? true;
  const report: ErrorReporter | undefined =
    log === false
      ? undefined
      : log === true
        ? (error, req) =>
            console.error(`[harpia] ${req ? `${req.method} ${req.path}` : "request"} failed:`, error)
        : log;
  const native = options.nativeRoutes;
  if (options.validateResponses !== undefined && typeof options.validateResponses !== "boolean")
    throw new TypeError("harpia({ validateResponses }): expected true or false");
  return {
    development: options.development ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit,
    jsonDepth,
    timeout,
    constraintMaxLength,
    signer,
    pluginSigner:
      options.cookieSecret === undefined || options.cookieSignatureCompat === undefined
        ? signer
        : new CookieSigner(options.cookieSecret),
    override,
    wsOrigins,
    context: { trust, signer, jsonDepth, report, streams: new OpenStreams() },
    report,
    defaultReport: log === true,
    nativeLimit: native === false ? 0 : native === true ? Infinity : (native ?? 100),
    validateResponses: options.validateResponses ?? false,
  };
}
