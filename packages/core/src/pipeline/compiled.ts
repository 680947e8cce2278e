/**
 * What compiling an app produces (`app/compile.ts`) and the request path reads: one value per
 * version of the app's registrations, read once per request by the entry (`fetch.ts`) and
 * handed down. Types only.
 */
import type { BodyLimits } from "../body/parse";
import type { BodyKind } from "../body/types";
import type { CookieSigner } from "../cookies";
import type { ErrorReporter } from "../hooks";
import type { RequestContext } from "../request";
import type { ViewEngineHost } from "../response";
import type { NativeTable } from "../router/native";
import type { RouterEngine } from "../router/types";
import type { Middleware } from "../types";
import type { WebSocketHub } from "../ws/hub";
import type { WsOriginPolicy } from "../ws/origins";
import type { Chain, ErrorResponder, Finish } from "./chain";
import type { ClosingState } from "./closing";
import type { RequestHooks } from "./lifecycle";
import type { MethodOverride } from "./method-override";

/** A route ready to serve: its chain, composed once, and its body settings. */
export interface CompiledRoute {
  method: string;
  pattern: string;
  chain: Chain;
  /** Whether the pattern has parameters (Bun's `request.params` is read only then). */
  hasParams: boolean;
  /** Whether the body is parsed before the chain (false: `parseBody: false`). */
  parseBody: boolean;
  bodyLimit: number | undefined;
  accepts: ReadonlySet<BodyKind> | undefined;
  /** Limits handed to the body parser (the JSON nesting limit), built once. */
  bodyLimits: BodyLimits;
  /** Milliseconds the route may take until its response is ready (`undefined`: no limit, no timer). */
  timeout: number | undefined;
}

/** A WebSocket route ready to serve: its chain, and where its handshakes may come from. */
export interface CompiledWsRoute extends CompiledRoute {
  /** The route's `allowOrigins`, or the app's: checked before its chain runs. */
  origins: WsOriginPolicy;
}

/** Everything compiled from the app's registrations, rebuilt when they change. */
export interface CompiledApp {
  readonly router: RouterEngine<CompiledRoute>;
  /** WebSocket routes (GET upgrades only); undefined when the app has none. */
  readonly ws: RouterEngine<CompiledWsRoute> | undefined;
  /** Routes Bun's own router matches for `listen` (see `router/native.ts`). */
  readonly native: NativeTable<CompiledRoute>;
  /** App-level middleware + the unmatched answer (automatic OPTIONS, 405, static files, 404). */
  readonly fallback: Chain;
  /** App-level middleware, for errors raised before any route ran. */
  readonly middleware: readonly Middleware[];
  /** The default body limit, in bytes. */
  readonly bodyLimit: number;
  /** Method override policy; undefined when it is off. */
  readonly override: MethodOverride | undefined;
  /** The per-request hooks as registered when this was compiled. */
  readonly hooks: RequestHooks;
  /** Answers an error on `res` (the app's error handler or the default page). */
  readonly respondError: ErrorResponder;
  /** The last step: `onSend`, build the `Response`, `onResponse` (picked once for these hooks). */
  readonly finish: Finish;
  /** What every request is created with (trust proxy, signer, JSON depth). */
  readonly context: RequestContext;
  readonly signer: CookieSigner | undefined;
  readonly views: ViewEngineHost;
  readonly sockets: WebSocketHub;
  readonly report: ErrorReporter | undefined;
  /** Where the app is in `app.close()` (shared by every compiled form, read live). */
  readonly closing: ClosingState;
  /** Whether each request notes when it arrived (`req.startTime`): `app.timeRequests()`. */
  readonly timed: boolean;
}
