import path from "node:path";
import { fileURLToPath } from "node:url";
import { definePlugin, type Harpia, type Plugin, type RouteGroup } from "@harpia/core";
import { checkOptionKeys } from "@harpia/core/utils";
import { DEFAULT_EXTENSIONS } from "./discover";
import { type LoadOptions, loadRoutes, type PendingRoute } from "./load";
import { checkClashes, compileWithin, registerRoutes } from "./register";
import type { LoadedRoute } from "./types";

/** The plugin's name (`app.hasPlugin("@harpia/file-router")`). */
export const PLUGIN_NAME = "@harpia/file-router";

/** Options of {@link fileRoutes}. */
export interface FileRoutesOptions {
  /** The routes folder: a path (relative to the working directory) or a `file:` URL. */
  dir: string | URL;
  /** A path prefix for every route of the folder (`"/api"`). */
  prefix?: string;
  /**
   * Give file routes the Express-style `req.headers` view (`req.headers.authorization`), see
   * {@link CompatHeaders}. Default `true`; `false` leaves core's `Headers` as is.
   */
  compatHeaders?: boolean;
  /** Extensions of route files (default `.ts`, `.mts`, `.js`, `.mjs`). */
  extensions?: readonly string[];
  /** Skip files or folders: gets the `/`-separated path relative to `dir`; return `true` to skip. */
  ignore?: (relativePath: string) => boolean;
}

/** What `await fileRoutes(options)` resolves to: a plugin that knows the routes it registers. */
export interface FileRoutesPlugin extends Plugin {
  /** Every route the folder declares, in registration order (handy for a start-up log). */
  readonly routes: readonly LoadedRoute[];
}

const KNOWN = new Set(["dir", "prefix", "compatHeaders", "extensions", "ignore"]);

/** Checks the options (a `TypeError` names the first bad one) and resolves the folder. */
function checkOptions(options: FileRoutesOptions): LoadOptions & { compat: boolean } {
  if (options === null || typeof options !== "object" || options.dir === undefined)
    throw new TypeError('fileRoutes({ dir }) needs the routes folder, e.g. { dir: "http" }');
  checkOptionKeys(options, "fileRoutes()", KNOWN);
  const { dir, prefix, compatHeaders = true, extensions = DEFAULT_EXTENSIONS, ignore } = options;
  if (typeof dir !== "string" && !(dir instanceof URL))
    throw new TypeError("fileRoutes({ dir }) must be a path or a file: URL");
  if (prefix !== undefined && typeof prefix !== "string")
    throw new TypeError('fileRoutes({ prefix }) must be a string such as "/api"');
  if (typeof compatHeaders !== "boolean")
    throw new TypeError("fileRoutes({ compatHeaders }) must be a boolean");
  if (!Array.isArray(extensions) || extensions.some((e) => typeof e !== "string" || !e.startsWith(".")))
    throw new TypeError('fileRoutes({ extensions }) must be a list such as [".ts", ".js"]');
  if (ignore !== undefined && typeof ignore !== "function")
    throw new TypeError("fileRoutes({ ignore }) must be a function (relativePath) => boolean");
  const root = dir instanceof URL ? fileURLToPath(dir) : path.resolve(process.cwd(), dir);
  return { root, prefix, extensions, ignore, compat: compatHeaders };
}

function report(pending: readonly PendingRoute[]): LoadedRoute[] {
  return pending.map((r) => ({
    method: r.method,
    path: r.fullPath,
    file: r.file,
    key: r.key,
    handler: r.handlerName,
    middleware: r.middleware.length,
  }));
}

/** Whether the first argument is a route target (app or `Router`) rather than options. */
function isGroup(value: unknown): value is RouteGroup<any> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as RouteGroup<any>).on === "function" &&
    typeof (value as RouteGroup<any>).use === "function"
  );
}

/**
 * Loads every route class under a folder and resolves to a plugin that registers their routes:
 * `app.use(await fileRoutes({ dir: "http" }))`. Files are read recursively in a stable sorted
 * order; dotfiles, tests (`*.test.*`, `*.spec.*`) and `.d.ts` files are skipped. Each file's
 * default export is a class instance (or a class) with a `routes` map and an optional
 * `middleware` map; route methods run with `this` bound to the instance.
 *
 * Every module is imported and checked here, before any app is touched. Mistakes reject with a
 * {@link FileRouteError} naming the file and key: a route naming a missing method, a malformed
 * key, a middleware key naming no route method, the same route in two files. `app.use()` then
 * throws one naming the file when a route clashes with one already on the app, and registers
 * nothing.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { fileRoutes } from "@harpia/file-router";
 *
 * const app = harpia();
 * app.use(await fileRoutes({ dir: "http" }));
 * app.listen({ port: 3000 });
 */
export function fileRoutes(options: FileRoutesOptions): Promise<FileRoutesPlugin>;
/**
 * Loads the folder and registers its routes on `target` (an app or a `Router`, whose prefix
 * applies); resolves to the routes registered.
 *
 * @deprecated Use `target.use(await fileRoutes(options))` on an app. For a `Router`, use the
 * `prefix` option and path-scoped middleware (`app.use("/admin", auth)`).
 */
export function fileRoutes(target: RouteGroup<any>, options: FileRoutesOptions): Promise<LoadedRoute[]>;
export async function fileRoutes(
  first: FileRoutesOptions | RouteGroup<any>,
  second?: FileRoutesOptions,
): Promise<FileRoutesPlugin | LoadedRoute[]> {
  if (isGroup(first)) return legacyFileRoutes(first, second as FileRoutesOptions);
  const options = checkOptions(first);
  const pending = await loadRoutes(options);
  return definePlugin(
    {
      name: PLUGIN_NAME,
      setup(app) {
        checkClashes(app, pending);
        registerRoutes(app, pending, options.compat);
        compileWithin(app, pending);
      },
    },
    { routes: Object.freeze(report(pending)) },
  );
}

/** The earlier `fileRoutes(target, options)`: the plugin on an app, the routes on a `Router`. */
async function legacyFileRoutes(target: RouteGroup<any>, options: FileRoutesOptions): Promise<LoadedRoute[]> {
  if (typeof (target as Harpia).hasPlugin === "function") {
    const plugin = await fileRoutes(options);
    (target as Harpia).use(plugin);
    return [...plugin.routes];
  }
  const checked = checkOptions(options);
  const pending = await loadRoutes(checked);
  registerRoutes(target, pending, checked.compat);
  return report(pending);
}
