/**
 * What an app holds: its registrations (beyond the route tree, which its groups hold) and its
 * settings, plus the runtime handles (servers, sockets). Compiling reads it; no request does.
 */
import type { Server } from "bun";
import { EngineSlot } from "../engine";
import { emptyHooks, type HookName, type Hooks } from "../hooks";
import { type ClosingState, openState } from "../pipeline/closing";
import type { Fallback, NotFound } from "../pipeline/unmatched";
import type { ErrorHandler } from "../types";
import { WebSocketHub } from "../ws/hub";
import type { AppConfig } from "./options";

/** An app's registrations, settings and runtime handles. */
export interface AppState {
  readonly config: AppConfig;
  /** Development mode: starts as `harpia({ development })`, `listen({ development })` sets it. */
  development: boolean;
  readonly hooks: { [K in HookName]: Hooks[K][] };
  /** Tried in order before the not-found handler (static mounts). */
  readonly fallbacks: Fallback[];
  errorHandler: ErrorHandler | undefined;
  notFound: NotFound | undefined;
  /** `listen({ maxRequestBodySize })` in bytes: the default body limit unless `harpia({ bodyLimit })`. */
  listenBodyLimit: number | undefined;
  readonly engine: EngineSlot;
  readonly sockets: WebSocketHub;
  /** Running servers, each with the function that re-applies the app's routes to it. */
  readonly servers: Map<Server<any>, () => void>;
  /**
   * Where unexpected errors are reported: `harpia({ logErrors })`, or the reporter a logging
   * plugin set with `app.setErrorReporter()` when `logErrors` was left to its default.
   */
  report: AppConfig["report"];
  /** Where the app is in `app.close()`; the request path reads it live. */
  readonly closing: ClosingState;
  /** Whether requests note when they arrived (`app.timeRequests()`). */
  timed: boolean;
}

/** A new app's state. */
export function createAppState(config: AppConfig): AppState {
  const state: AppState = {
    config,
    development: config.development,
    hooks: emptyHooks(),
    fallbacks: [],
    errorHandler: undefined,
    notFound: undefined,
    listenBodyLimit: undefined,
    engine: new EngineSlot(),
    sockets: new WebSocketHub((error) => state.report?.(error, undefined)),
    servers: new Map(),
    report: config.report,
    closing: openState(),
    timed: false,
  };
  return state;
}
