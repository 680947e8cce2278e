import type { Harpia, Middleware, RouteGroup } from "@harpia/core";
import { compatHeadersMiddleware } from "./compat-headers";
import { FileRouteError } from "./errors";
import type { PendingRoute } from "./load";
import { routeShape } from "./route-key";

/** The route of `pending` with the same shape as `method path`, if any. */
function culpritOf(pending: readonly PendingRoute[], method: string, path: string): PendingRoute | undefined {
  const shape = routeShape(method, path);
  return pending.find((r) => routeShape(r.method, r.fullPath) === shape);
}

/**
 * Refuses routes the app already serves, before anything is registered: the error names the
 * file and key, and the app is left as it was.
 */
export function checkClashes(app: Harpia, pending: readonly PendingRoute[]): void {
  for (const existing of app.list()) {
    const culprit = culpritOf(pending, existing.method, existing.path);
    if (culprit !== undefined) {
      throw new FileRouteError(
        `file-router: ${culprit.file}: route '${culprit.key}' clashes with a route already on the app: ` +
          `${existing.method} ${existing.path}`,
        { file: culprit.file, key: culprit.key },
      );
    }
  }
}

/** Registers every route on `target`, each behind its file's middleware. */
export function registerRoutes(
  target: RouteGroup<any>,
  pending: readonly PendingRoute[],
  compat: boolean,
): void {
  for (const route of pending) {
    const chain: Middleware[] = compat ? [compatHeadersMiddleware] : [];
    chain.push(...(route.middleware as Middleware[]), route.handler as Middleware);
    target.on(route.method, route.fullPath, ...chain);
  }
}

/**
 * Compiles now, so a clash {@link checkClashes} cannot see (an optional parameter's variant of
 * another route) is reported with its file instead of on the first request.
 */
export function compileWithin(app: Harpia, pending: readonly PendingRoute[]): void {
  try {
    app.compile();
  } catch (error) {
    const message = (error as Error).message;
    const clash = /^Route (\S+) (\S+) is already registered/.exec(message);
    const culprit = clash ? culpritOf(pending, clash[1]!, clash[2]!) : undefined;
    throw new FileRouteError(
      culprit
        ? `file-router: ${culprit.file}: route '${culprit.key}' clashes with a route already on the app: ${message}`
        : `file-router: the app's routes do not compile: ${message}`,
      { file: culprit?.file, key: culprit?.key, cause: error },
    );
  }
}
