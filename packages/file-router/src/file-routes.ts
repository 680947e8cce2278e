import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Harpia, type Middleware, type RouteGroup } from "@harpia/core";
import { compatHeadersMiddleware } from "./compat-headers";
import { DEFAULT_EXTENSIONS, discoverFiles } from "./discover";
import { FileRouteError } from "./errors";
import { type ClassRoute, instantiate, readRouteClass } from "./route-class";
import { routeShape } from "./route-key";
import type { LoadedRoute } from "./types";

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

interface PendingRoute extends ClassRoute {
  file: string;
  fullPath: string;
}

/** How a file is named in messages: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}

function withPrefix(prefix: string | undefined, route: string): string {
  if (!prefix || prefix === "/") return route;
  const base = `/${prefix.replace(/^\/+|\/+$/g, "")}`;
  return route === "/" ? base : `${base}${route}`;
}

/** Imports every module first and checks every route, so a bad file leaves the app untouched. */
async function collect(root: string, options: FileRoutesOptions): Promise<PendingRoute[]> {
  let files: string[];
  try {
    files = await discoverFiles(root, {
      extensions: options.extensions ?? DEFAULT_EXTENSIONS,
      ignore: options.ignore,
    });
  } catch (error) {
    throw new FileRouteError(`file-router: ${(error as Error).message}`, { cause: error });
  }
  const pending: PendingRoute[] = [];
  const seen = new Map<string, PendingRoute>();
  for (const relative of files) {
    const absolute = path.join(root, relative);
    const file = shown(absolute);
    let exported: unknown;
    try {
      exported = (await import(pathToFileURL(absolute).href)).default;
    } catch (error) {
      throw new FileRouteError(`file-router: ${file}: cannot be loaded: ${(error as Error)?.message}`, {
        file,
        cause: error,
      });
    }
    for (const route of readRouteClass(instantiate(exported, file), file)) {
      const entry = { ...route, file, fullPath: withPrefix(options.prefix, route.path) };
      const shape = routeShape(route.method, entry.fullPath);
      const earlier = seen.get(shape);
      if (earlier !== undefined) {
        throw new FileRouteError(
          `file-router: route ${route.method} ${entry.fullPath} is declared twice: ` +
            `${earlier.file} ('${earlier.key}') and ${file} ('${route.key}')`,
          { file, key: route.key },
        );
      }
      seen.set(shape, entry);
      pending.push(entry);
    }
  }
  return pending;
}

/**
 * Loads every route class under a folder and registers its routes on `target` (the app or a
 * `Router`). Files are read recursively in a stable sorted order; dotfiles, tests
 * (`*.test.*`, `*.spec.*`) and `.d.ts` files are skipped. Each file's default export is a
 * class instance (or a class) with a `routes` map and an optional `middleware` map; route
 * methods run with `this` bound to the instance.
 *
 * Mistakes stop start-up with a {@link FileRouteError} naming the file and key: a route
 * naming a missing method, a malformed key, a middleware key naming no route method, the
 * same route in two files. Nothing is registered unless every file is valid.
 *
 * @returns the routes registered, in order (handy for a start-up log).
 *
 * @example
 * import harpia from "@harpia/core";
 * import { fileRoutes } from "@harpia/file-router";
 *
 * const app = harpia();
 * await fileRoutes(app, { dir: "http" });
 * app.listen({ port: 3000 });
 */
export async function fileRoutes(
  target: RouteGroup<any>,
  options: FileRoutesOptions,
): Promise<LoadedRoute[]> {
  if (options === null || typeof options !== "object" || options.dir === undefined) {
    throw new TypeError('fileRoutes(app, { dir }) needs the routes folder, e.g. { dir: "http" }');
  }
  const root =
    options.dir instanceof URL ? fileURLToPath(options.dir) : path.resolve(process.cwd(), options.dir);
  const pending = await collect(root, options);
  const compat = options.compatHeaders !== false;
  for (const route of pending) {
    const chain: Middleware[] = compat ? [compatHeadersMiddleware] : [];
    chain.push(...(route.middleware as Middleware[]), route.handler as Middleware);
    target.on(route.method, route.fullPath, ...chain);
  }
  if (target instanceof Harpia) compileWithin(target, pending);
  return pending.map((r) => ({
    method: r.method,
    path: r.fullPath,
    file: r.file,
    key: r.key,
    handler: r.handlerName,
    middleware: r.middleware.length,
  }));
}

/** Compiles now so a clash with a route registered elsewhere is reported with its file. */
function compileWithin(app: Harpia, pending: PendingRoute[]): void {
  try {
    app.compile();
  } catch (error) {
    const message = (error as Error).message;
    const clash = /^Route (\S+) (\S+) is already registered/.exec(message);
    const culprit = clash
      ? pending.find((r) => routeShape(r.method, r.fullPath) === routeShape(clash[1]!, clash[2]!))
      : undefined;
    throw new FileRouteError(
      culprit
        ? `file-router: ${culprit.file}: route '${culprit.key}' clashes with a route already on the app: ${message}`
        : `file-router: the app's routes do not compile: ${message}`,
      { file: culprit?.file, key: culprit?.key, cause: error },
    );
  }
}
