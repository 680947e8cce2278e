import { definePlugin, type HarpiaRequest, type Plugin } from "@harpia/core";
import type { DemoServices } from "./services";

declare module "@harpia/core" {
  interface RequestState {
    /** The services of the demo app serving this request (set by {@link provideServices}). */
    services?: DemoServices;
  }
}

/** The plugin name of {@link provideServices}. */
export const SERVICES_PLUGIN = "harpia-demo/services";

/**
 * Route classes in `http/` are loaded by the file router and constructed without arguments,
 * and one process may run several demo apps (the tests do). So each app puts its services on
 * every request's typed state (`req.state.services`, in an `onRequest` hook: before routing, so
 * error pages of requests refused early have them too), and route code reads them with
 * {@link services}: nothing is kept in module-level state.
 */
export function provideServices(services: DemoServices): Plugin {
  return definePlugin({
    name: SERVICES_PLUGIN,
    setup(app) {
      app.addHook("onRequest", (req) => {
        req.state.services = services;
      });
    },
  });
}

/** The services of the app serving `req`. */
export function services(req: HarpiaRequest<any, any>): DemoServices {
  const found = req.state.services;
  if (found === undefined)
    throw new Error("No demo services on this request: app.use(provideServices(services)) first");
  return found;
}
