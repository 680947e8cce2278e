/**
 * The typed signatures of a group's registration methods (`get`, `post`..., `ws`): params
 * inferred from the joined path, request and response shapes from the route's schemas.
 */
import type { Plugin } from "../plugin";
import type { JoinPath, ParamsOf } from "../router/params";
import type { ParamsFor, RequestShape, RequestShapeOf, ResponseShapeOf } from "../schema/infer";
import type { RouteSchema, WebSocketRouteSchema } from "../schema/types";
import type { Handler, SchemaRouteOptions } from "../types";
import type { WsHandlers } from "../ws/types";

/**
 * `app.get(path, ...handlers)` / `app.get(path, options, ...handlers)`, with params inferred
 * from the path, and with `options.schema` the request parts and response bodies inferred
 * from the schemas (middleware first, the typed handler last).
 */
export interface RouteMethod<Prefix extends string, Self> {
  <Path extends string>(
    path: Path,
    ...handlers: (Handler<ParamsOf<JoinPath<Prefix, Path>>> | Plugin)[]
  ): Self;
  <Path extends string, S extends RouteSchema = {}>(
    path: Path,
    options: SchemaRouteOptions<S>,
    ...handlers: RouteHandlers<
      ParamsFor<S, ParamsOf<JoinPath<Prefix, Path>>>,
      RequestShapeOf<S>,
      ResponseShapeOf<S>
    >
  ): Self;
}

/** A route's handlers: middleware, then the handler whose returned value is checked. */
export type RouteHandlers<P, V extends RequestShape, Out> = [
  ...(Handler<P, V> | Plugin)[],
  Handler<P, V, Out> | Plugin,
];

/**
 * `app.ws(path, handlers)`: a WebSocket route, params inferred from the path and connection
 * data from the `upgrade` hook's result. With an explicit type (`app.ws<ChatData>(path, ...)`,
 * as in the seed) `ws.data` is `WsData & ChatData` and params are a string record.
 */
export type WsMethod<Prefix extends string, Self> = <
  Data extends object = {},
  Path extends string = string,
  S extends WebSocketRouteSchema = {},
>(
  path: Path,
  handlers: WsHandlers<ParamsFor<S, ParamsOf<JoinPath<Prefix, Path>>>, Data, S>,
) => Self;
