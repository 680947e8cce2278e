/**
 * @harpia/file-router — route classes in an `http/` folder: each file's default export has a
 * `routes` map (`'get /hello/world': 'world'`) and a `middleware` map (`'*'`, per method, `[]`
 * to remove), installed with `app.use(await fileRoutes({ dir: "http" }))`.
 */
export { type CompatHeaders, compatHeaders, type IncomingHeaders } from "./compat-headers";
export { FileRouteError } from "./errors";
export { type FileRoutesOptions, type FileRoutesPlugin, fileRoutes, PLUGIN_NAME } from "./file-routes";
export { ROUTE_VERBS } from "./route-key";
export type { FileHandler, FileMiddleware, FileRequest, LoadedRoute, RouteModule } from "./types";
