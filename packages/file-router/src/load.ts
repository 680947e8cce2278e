import path from "node:path";
import { pathToFileURL } from "node:url";
import { trimSlashes } from "@harpia/core/utils";
import { discoverFiles } from "./discover";
import { FileRouteError } from "./errors";
import { type ClassRoute, instantiate, readRouteClass } from "./route-class";
import { routeShape } from "./route-key";

/** A route of a route file, checked and ready to register. */
export interface PendingRoute extends ClassRoute {
  /** The file that declared it, as shown in messages. */
  file: string;
  /** The path with the folder's prefix. */
  fullPath: string;
}

/** What loading needs: the folder (absolute) and the checked options. */
export interface LoadOptions {
  root: string;
  prefix: string | undefined;
  extensions: readonly string[];
  ignore: ((relativePath: string) => boolean) | undefined;
}

/** How a file is named in messages: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}

/** `route` under `prefix` (`"/api/"` and `"api"` alike give `/api/...`). */
function withPrefix(prefix: string | undefined, route: string): string {
  const base = prefix === undefined ? "" : trimSlashes(prefix);
  if (base === "") return route;
  return route === "/" ? `/${base}` : `/${base}${route}`;
}

/**
 * Imports every module of the folder and checks every route, throwing a {@link FileRouteError}
 * at the first mistake: nothing is registered anywhere until all of them are valid.
 */
export async function loadRoutes(options: LoadOptions): Promise<PendingRoute[]> {
  let files: string[];
  try {
    files = await discoverFiles(options.root, { extensions: options.extensions, ignore: options.ignore });
  } catch (error) {
    throw new FileRouteError(`file-router: ${(error as Error).message}`, { cause: error });
  }
  const pending: PendingRoute[] = [];
  const seen = new Map<string, PendingRoute>();
  for (const relative of files) {
    const absolute = path.join(options.root, relative);
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
