import type { Harpia } from "./app";
import { brandPlugin, type Plugin } from "./plugin";
import type { Middleware } from "./types";

/**
 * What a plugin is. `setup` runs once per app, when `app.use(plugin)` is called: it may add
 * hooks (`app.addHook`, `app.onClose`), middleware and routes, read `app.settings`, and declare
 * typed request state (`declare module "@harpia/core" { interface RequestState { ... } }`).
 */
export interface PluginDefinition {
  /** Unique, npm-style name (`"@harpia/session"`): shown in errors and used by `dependencies`. */
  readonly name: string;
  /** Names of plugins that must be installed on the app first (checked by `app.use`). */
  readonly dependencies?: readonly string[];
  /**
   * `true` for a plugin an app must have at most one of (a second one would record, send or
   * deliver everything twice). `app.use` then refuses, with an `Error` naming the plugin, a
   * second plugin of this name on the same app, and this plugin value on a second app (state
   * made in the factory belongs to one app: make one per app). Installing the same value twice
   * on one app stays a no-op. Default `false`: plugins with the same name are all installed.
   */
  readonly once?: boolean;
  /** Installs the plugin on `app`. Synchronous: start async work here and await it in `onListen`. */
  setup(app: Harpia): void;
  /**
   * What the plugin does on one route or router (`app.get(path, plugin, handler)`,
   * `router.use(plugin)`). Defaults to the handle when the handle is a function.
   */
  readonly middleware?: Middleware;
}

/**
 * Makes a plugin: the one way a package extends Harpia. The returned value is `handle` (the
 * package's own API: `session.get(req)`, the telemetry reader...) carrying the definition, or a
 * new object when there is no handle. When `handle` is a function, the same value also works as
 * middleware on one route.
 *
 * @example
 * import { definePlugin, type Harpia } from "@harpia/core";
 *
 * export function poweredBy(name = "Harpia") {
 *   return definePlugin({
 *     name: "powered-by",
 *     setup(app: Harpia) {
 *       app.addHook("onSend", (_req, res) => { res.header("x-powered-by", name); });
 *     },
 *   });
 * }
 *
 * app.use(poweredBy());
 */
export function definePlugin<Handle extends object = {}>(
  definition: PluginDefinition,
  handle?: Handle,
): Handle & Plugin {
  if (definition === null || typeof definition !== "object")
    throw new TypeError("definePlugin() takes a definition: { name, setup(app) }");
  const { name, dependencies = [], once = false, setup, middleware } = definition;
  if (typeof name !== "string" || name.trim() === "")
    throw new TypeError("definePlugin(): `name` must be a non-empty string");
  if (typeof setup !== "function")
    throw new TypeError(`definePlugin("${name}"): \`setup\` must be a function`);
  if (!Array.isArray(dependencies) || dependencies.some((d) => typeof d !== "string" || d === ""))
    throw new TypeError(`definePlugin("${name}"): \`dependencies\` must be a list of plugin names`);
  if (typeof once !== "boolean") throw new TypeError(`definePlugin("${name}"): \`once\` must be a boolean`);
  if (middleware !== undefined && typeof middleware !== "function")
    throw new TypeError(`definePlugin("${name}"): \`middleware\` must be a function`);
  if (
    handle !== undefined &&
    (handle === null || (typeof handle !== "object" && typeof handle !== "function"))
  )
    throw new TypeError(`definePlugin("${name}"): the handle must be an object or a function`);
  const value = handle ?? ({} as Handle);
  return brandPlugin(value, {
    name,
    dependencies: Object.freeze([...dependencies]),
    once,
    boundTo: undefined,
    setup: setup.bind(definition),
    middleware: middleware ?? (typeof value === "function" ? (value as unknown as Middleware) : undefined),
  });
}
