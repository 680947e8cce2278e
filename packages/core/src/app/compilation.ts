/**
 * An app's compiled form and route table: built on first use, dropped when a registration
 * changes the app, and, for servers already listening, handed over anew once the current
 * registrations are done. What `listen()` serves from (a {@link ServeHost}).
 */
import type { RouteGroup } from "../group";
import type { CompiledApp } from "../pipeline/compiled";
import type { RouteInfo } from "../schema/types";
import { compileApp } from "./compile";
import { buildRouteTable } from "./route-table";
import { type FlatRoute, type FlatWsRoute, flatten } from "./routes";
import type { ServeHost } from "./serve";
import type { AppState } from "./state";

/** The compiled form and route table of the app rooted at `root`, kept until it changes. */
export class AppCompilation implements ServeHost {
  readonly state: AppState;
  readonly #root: RouteGroup<any>;
  #compiled: CompiledApp | undefined;
  #table: readonly RouteInfo[] | undefined;
  #refreshQueued = false;

  constructor(state: AppState, root: RouteGroup<any>) {
    this.state = state;
    this.#root = root;
  }

  /** The compiled app, built on first use after any registration. */
  current(): CompiledApp {
    this.#compiled ??= compileApp(this.#root, this.state);
    return this.#compiled;
  }

  /** The registrations changed: compile again on next use, and refresh running servers. */
  invalidate(): void {
    this.#compiled = undefined;
    this.#table = undefined;
    if (this.state.servers.size === 0 || this.#refreshQueued) return;
    // Registrations after listen(): recompile once they are done (before the next request is
    // read) and hand Bun's router the new table, so no request runs a stale chain.
    this.#refreshQueued = true;
    queueMicrotask(() => {
      this.#refreshQueued = false;
      for (const refresh of this.state.servers.values()) refresh();
    });
  }

  /** `app.routeTable()`: every route as `RouteInfo`, frozen, built on first use after a change. */
  routeTable(): readonly RouteInfo[] {
    if (this.#table === undefined) {
      const routes: FlatRoute[] = [];
      const wsRoutes: FlatWsRoute[] = [];
      flatten(this.#root, "", [], routes, wsRoutes);
      this.#table = Object.freeze(buildRouteTable(routes, wsRoutes));
    }
    return this.#table;
  }
}
