import type { HarpiaRequest, Middleware } from "@harpia/core";
import type { DemoServices } from "./services";

/**
 * Route classes in `http/` are loaded by the file router and constructed without arguments,
 * and one process may run several demo apps (the tests do). So each app hands its services to
 * its requests with {@link provideServices}, and route code reads them with {@link services}:
 * nothing is kept in module-level state.
 */
const byRequest = new WeakMap<HarpiaRequest<any>, DemoServices>();

/** App-level middleware attaching `services` to every request. */
export function provideServices(services: DemoServices): Middleware {
  return (req, _res, next) => {
    byRequest.set(req, services);
    return next();
  };
}

/** The services of the app serving `req`. */
export function services(req: HarpiaRequest<any>): DemoServices {
  const found = byRequest.get(req);
  if (found === undefined)
    throw new Error("No demo services on this request: provideServices() must run first");
  return found;
}
