import type { HarpiaRequest } from "./request";
import type { HarpiaResponse } from "./response";

/**
 * Lifecycle hooks, run for every request whatever the middleware order:
 * - `onRequest(req, res)`: before routing and body parsing. Sending a response here (e.g.
 *   `res.status(503).send(...)`) skips routing.
 * - `onSend(req, res)`: after the chain, just before the `Response` is built, for every
 *   response the app sends (routes, 404, 405, automatic OPTIONS, errors, static files).
 *   The place to add headers that must always be present.
 * - `onResponse(req, res, response)`: after the `Response` is built; not awaited by the
 *   request (for metrics and logs). Errors it throws are reported, never sent.
 */
export interface Hooks {
  onRequest: (req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;
  onSend: (req: HarpiaRequest<any>, res: HarpiaResponse) => unknown;
  onResponse: (req: HarpiaRequest<any>, res: HarpiaResponse, response: Response) => unknown;
}

/** A hook name. */
export type HookName = keyof Hooks;

/** A plugin installs itself on the app: `app.use(plugin)` calls `plugin[PLUGIN](app)`. */
export const PLUGIN: unique symbol = Symbol.for("harpia.plugin");

/** Anything `app.use` accepts as a plugin: a value carrying a {@link PLUGIN} installer. */
export interface Plugin<App = any> {
  [PLUGIN]: (app: App) => void;
}

/**
 * Makes `value` a plugin: `app.use(value)` calls `install(app)` instead of adding it as
 * middleware. When `value` is a middleware it still works as one at route level
 * (`app.get(path, value, handler)`).
 */
export function definePlugin<T extends object, App = any>(
  value: T,
  install: (app: App) => void,
): T & Plugin<App> {
  (value as T & Plugin<App>)[PLUGIN] = install;
  return value as T & Plugin<App>;
}

/** True for a value made with {@link definePlugin}. */
export function isPlugin(value: unknown): value is Plugin {
  return (
    (typeof value === "function" || (typeof value === "object" && value !== null)) &&
    typeof (value as Plugin)[PLUGIN] === "function"
  );
}
