/**
 * The app's own registrations besides routes, checked and recorded on its state: lifecycle
 * hooks, static mounts, the not-found handler, the error reporter, and the CORS registry's
 * middleware in front of all others. Each tells the caller whether the compiled app is stale.
 */
import { CorsRegistry } from "../cors/registry";
import type { MiddlewareEntry } from "../group/registration";
import type { ErrorReporter, HookName, Hooks } from "../hooks";
import type { NotFound } from "../pipeline/unmatched";
import { createStaticHandler, type StaticOptions } from "../static/serve-static";
import type { Handler } from "../types";
import type { AppState } from "./state";

/** Hooks whose lists a compiled app copies (adding one recompiles). */
const PER_REQUEST: ReadonlySet<HookName> = new Set(["onRequest", "onSend", "onResponse"]);

/**
 * `app.addHook(name, hook)`: adds `hook` to its list, after checking both (a `TypeError`
 * otherwise). Returns whether the compiled app is stale (a per-request hook).
 */
export function addHook<K extends HookName>(state: AppState, name: K, hook: Hooks[K]): boolean {
  const hooks = state.hooks;
  if (!Object.hasOwn(hooks, name))
    throw new TypeError(`Unknown hook "${String(name)}"; use one of ${Object.keys(hooks).join(", ")}`);
  if (typeof hook !== "function") throw new TypeError(`addHook("${name}") needs a function`);
  hooks[name].push(hook);
  return PER_REQUEST.has(name);
}

/** `app.setNotFound(handler, methods)`: the handler, for those methods only when given. */
export function notFoundOf(handler: Handler<any>, methods: string[] | undefined): NotFound {
  return { handler, methods: methods && new Set(methods.map((m) => m.toUpperCase())) };
}

/** `app.static(dir, options)`: a mount tried after the ones before it, for requests no route took. */
export function addStaticMount(state: AppState, dir: string, options: StaticOptions | undefined): void {
  state.fallbacks.push(createStaticHandler(dir, options, () => state.development));
}

/**
 * `app.cors()`'s first call: a registry whose one middleware runs before all the app's other
 * middleware (`middleware` is the app's list); later calls add their policies to it.
 */
export function mountCors(middleware: MiddlewareEntry[]): CorsRegistry {
  const registry = new CorsRegistry();
  middleware.unshift({ path: null, fn: registry.middleware });
  return registry;
}

/**
 * `app.setErrorReporter(reporter)`: takes over from the default reporter only (a `logErrors`
 * the app was given stays in charge). Returns whether it did (the compiled app is then stale).
 */
export function setErrorReporter(state: AppState, reporter: ErrorReporter): boolean {
  if (typeof reporter !== "function") throw new TypeError("setErrorReporter(reporter) needs a function");
  if (!state.config.defaultReport) return false;
  state.report = reporter;
  return true;
}
