import type { ServerWebSocket } from "bun";
import type { RequestCookies } from "../cookies";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { WsMessageFor } from "../schema/infer";
import type { RouteDetail, WebSocketRouteSchema } from "../schema/types";
import type { WsOriginPolicy } from "./origins";

/**
 * What every connection's `ws.data` starts with, filled from the upgrade request. Whatever the
 * route's `upgrade` hook returns is spread over it.
 *
 * @typeParam P - the route's params, inferred from its path.
 */
export interface WsData<P = Record<string, string>> {
  /** Route parameters, percent-decoded. */
  params: P;
  /** Query parameters of the upgrade URL (first value of each key). */
  query: Record<string, string>;
  /** Cookies sent with the upgrade request (`get`, `getAll`, `getSigned`). */
  cookies: RequestCookies;
}

/** A WebSocket connection as route handlers see it: Bun's `ServerWebSocket` with typed `data`. */
export type HarpiaWebSocket<D = WsData> = ServerWebSocket<D>;

/** An incoming message: text, or bytes for binary frames. */
export type WsMessage = string | Buffer<ArrayBuffer>;

/** What an `upgrade` hook may return: initial data, nothing, or a response that refuses the upgrade. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is typed `void`.
export type UpgradeResult<Data> = Data | Response | HarpiaResponse | undefined | void;

/**
 * Handlers of one WebSocket route (`app.ws(path, handlers)`). Every handler is optional; any of
 * them may be async. What a handler throws or rejects goes to `error` (or is logged when there
 * is none) and is never sent to the client.
 *
 * @typeParam P - the route's params.
 * @typeParam Data - the data added to `ws.data` (by `upgrade`, or declared with the generic).
 * @typeParam S - the route's schemas (`message` types the `message` handler's argument).
 */
export interface WsHandlers<
  P = Record<string, string>,
  Data extends object = {},
  S extends WebSocketRouteSchema = {},
> {
  /**
   * Declares the type of your connection data without a generic, as Bun does
   * (`data: {} as { user: string }`). Never read at run time.
   */
  data?: Data;
  /**
   * Schemas of the handshake's `params`, `query` and `headers` (checked before `upgrade`;
   * 422 when invalid) and of each incoming `message` (an invalid one gets an error frame and
   * never reaches `message`).
   */
  schema?: S;
  /** Documentation metadata, read by `@harpia/openapi`. */
  detail?: RouteDetail;
  /**
   * Pages of which origins may open this socket, instead of `harpia({ webSocket: { allowOrigins } })`:
   * a list of origins (`"https://app.example.com"`) besides the app's own, or `"*"` for any
   * (a public socket API that does not rely on cookies). By default only the app's own pages
   * (and clients that are not browsers) may: browsers send cookies with a handshake from any
   * site, so another site's page could otherwise talk here as the signed-in visitor. A refused
   * handshake is a 403 `WS_ORIGIN_REFUSED`; neither the route's middleware nor `upgrade` runs. Checked
   * at registration.
   */
  allowOrigins?: "*" | readonly string[];
  /**
   * Runs before the handshake, after the app's middleware. Throw an `HttpError` (401, 403...)
   * or send/return a response to refuse; return an object to add it to `ws.data`. Headers and
   * cookies set on `res` go out with the `101 Switching Protocols` answer.
   */
  upgrade?(req: HarpiaRequest<P>, res: HarpiaResponse): UpgradeResult<Data> | Promise<UpgradeResult<Data>>;
  /** A connection was opened. */
  open?(ws: HarpiaWebSocket<WsData<P> & Data>): unknown;
  /**
   * A message arrived: a string for text frames, a `Buffer` for binary ones; with a `message`
   * schema, the schema's output (text frames are parsed as JSON first).
   */
  message?(ws: HarpiaWebSocket<WsData<P> & Data>, message: WsMessageFor<S, WsMessage>): unknown;
  /** The connection closed (by either side), with the close code and reason. */
  close?(ws: HarpiaWebSocket<WsData<P> & Data>, code: number, reason: string): unknown;
  /** The socket drained after backpressure: it is ready to send more. */
  drain?(ws: HarpiaWebSocket<WsData<P> & Data>): unknown;
  /** Another handler of this route threw or rejected. Nothing is sent to the client for it. */
  error?(ws: HarpiaWebSocket<WsData<P> & Data>, error: unknown): unknown;
}

/** A WebSocket route as registered on a group, before compilation. */
export interface WsRouteDefinition {
  /** Path relative to the group's prefix. */
  path: string;
  handlers: WsHandlers<any, any, any>;
  /** `handlers.schema`, checked. */
  schema?: WebSocketRouteSchema;
  /** `handlers.detail`, checked. */
  detail?: RouteDetail;
  /** `handlers.allowOrigins`, checked (`undefined`: the app's `webSocket.allowOrigins`). */
  origins?: WsOriginPolicy;
}

/**
 * Carries `app.publish` beyond this process (e.g. Redis pub/sub in `@harpia/store-redis`).
 * `publish` sends the message to every instance, this one included; each instance delivers
 * what it receives with `app.publishLocal(topic, message)`.
 */
export interface PubSubAdapter {
  publish(topic: string, message: string | Uint8Array): void | Promise<void>;
}
