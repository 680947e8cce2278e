import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { ErrorCode, type ValidationIssue } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { collectIssues } from "../schema/issues";
import { HAS_HEADERS } from "../symbols";
import { isThenable } from "../utils/promise";
import type { PubSubAdapter, WsHandlers } from "./types";

/** Where a connection's route handlers ride on `ws.data` from the upgrade to `open`. */
const ROUTE: unique symbol = Symbol("harpia.wsRoute");

type Handlers = WsHandlers<any, any, any>;
type Socket = ServerWebSocket<any>;
type ConnectionData = Record<string, unknown> & { [ROUTE]?: Handlers };

/**
 * The WebSocket side of an app: the one Bun handler object that dispatches each connection to
 * its route's handlers, the upgrades being prepared, and publish/subscribe.
 */
export class WebSocketHub {
  /** Upgrades decided by a route's chain, waiting for the handshake (one per request). */
  private readonly pending = new WeakMap<HarpiaRequest<any>, ConnectionData>();
  /** Each open connection's handlers; keyed by the socket so replacing `ws.data` is harmless. */
  private readonly routes = new WeakMap<Socket, Handlers>();
  /** Open connections, for closing them all when the app closes. */
  private readonly open = new Set<Socket>();
  /** Servers that upgraded a connection here: where `publishLocal` delivers. */
  private readonly servers = new Set<Server<any>>();
  private adapter: PubSubAdapter | undefined;
  /** Set by {@link closeAll}: a connection that opens from then on is closed at once. */
  private closed: { code: number; reason: string } | undefined;
  /** The handler object for `Bun.serve({ websocket })`. */
  readonly handler: WebSocketHandler<any>;

  constructor(private readonly report: (error: unknown) => void) {
    this.handler = {
      open: (ws) => {
        const data = ws.data as ConnectionData | undefined;
        const handlers = data?.[ROUTE];
        if (handlers === undefined) return;
        if (this.closed !== undefined) {
          // A handshake that was under way when the app closed: it would hold the close open.
          // The route never sees it (neither `open` nor `close`).
          ws.close(this.closed.code, this.closed.reason);
          return;
        }
        this.routes.set(ws, handlers);
        this.open.add(ws);
        if (handlers.open) this.call(handlers, ws, handlers.open, [ws]);
      },
      message: (ws, message) => {
        const handlers = this.routes.get(ws);
        if (handlers?.message === undefined) return;
        const schema = handlers.schema?.message;
        if (schema === undefined) this.call(handlers, ws, handlers.message, [ws, message]);
        else this.validated(handlers, ws, schema, message);
      },
      drain: (ws) => {
        const handlers = this.routes.get(ws);
        if (handlers?.drain) this.call(handlers, ws, handlers.drain, [ws]);
      },
      close: (ws, code, reason) => {
        const handlers = this.routes.get(ws);
        this.routes.delete(ws);
        this.open.delete(ws);
        if (handlers?.close) this.call(handlers, ws, handlers.close, [ws, code, reason]);
      },
      error: (error, ws) => this.fail(this.routes.get(ws), ws, error),
    };
  }

  /** Runs a handler; a throw or a rejection goes to the route's `error` handler, never to the client. */
  private call(handlers: Handlers, ws: Socket, fn: (...args: any[]) => unknown, args: unknown[]): void {
    try {
      const result = fn.apply(handlers, args);
      if (isThenable(result)) result.then(undefined, (error) => this.fail(handlers, ws, error));
    } catch (error) {
      this.fail(handlers, ws, error);
    }
  }

  /** Checks a message against the route's `schema.message`: the handler gets the output, or the client an error frame. */
  private validated(handlers: Handlers, ws: Socket, schema: StandardSchemaV1, message: unknown): void {
    const refuse = (issues: ValidationIssue[]) =>
      ws.send(JSON.stringify({ type: "error", code: ErrorCode.VALIDATION_FAILED, errors: issues }));
    const settle = (outcome: StandardSchemaV1.Result<unknown>) => {
      if (outcome.issues) {
        const issues: ValidationIssue[] = [];
        collectIssues(issues, "message", outcome.issues);
        refuse(issues);
      } else this.call(handlers, ws, handlers.message!, [ws, outcome.value]);
    };
    let input: unknown = message;
    if (typeof message === "string") {
      try {
        input = JSON.parse(message);
      } catch {
        refuse([{ in: "message", path: "", message: "The message is not valid JSON" }]);
        return;
      }
    }
    try {
      const result = schema["~standard"].validate(input);
      if (result instanceof Promise) result.then(settle, (error) => this.fail(handlers, ws, error));
      else settle(result);
    } catch (error) {
      this.fail(handlers, ws, error);
    }
  }

  private fail(handlers: Handlers | undefined, ws: Socket, error: unknown): void {
    if (handlers?.error === undefined) {
      this.report(error);
      return;
    }
    try {
      const result = handlers.error(ws, error);
      if (isThenable(result)) result.then(undefined, this.report);
    } catch (secondary) {
      this.report(secondary);
    }
  }

  /**
   * Records that `req` is to be upgraded for `handlers`, with `ws.data` built from the request
   * and `extra` (what the route's `upgrade` hook returned).
   */
  prepare(req: HarpiaRequest<any>, res: HarpiaResponse, handlers: Handlers, extra: object | undefined): void {
    const data: ConnectionData = { params: req.params, query: req.query, cookies: req.cookies, ...extra };
    Object.defineProperty(data, ROUTE, { value: handlers });
    this.pending.set(req, data);
    res.status(101);
  }

  /** Forgets an upgrade that will not happen. */
  cancel(req: HarpiaRequest<any>): void {
    this.pending.delete(req);
  }

  /** Whether the route's chain decided to upgrade this request. */
  isPending(req: HarpiaRequest<any>): boolean {
    return this.pending.has(req);
  }

  /**
   * Completes the handshake through Bun; the route's `open` runs before this returns. Headers
   * set on `res` (cookies included) go out with the 101. False when Bun refused the handshake.
   */
  upgrade(req: HarpiaRequest<any>, res: HarpiaResponse): boolean {
    const data = this.pending.get(req)!;
    this.pending.delete(req);
    const server = req.server as Server<ConnectionData>;
    // Known before the handshake: `open` runs inside `upgrade` and may already publish.
    this.servers.add(server);
    return server.upgrade(req.raw, { data, headers: res[HAS_HEADERS] ? res.headers : undefined });
  }

  /** How many connections are open (upgraded by a WebSocket route and not closed yet). */
  get openCount(): number {
    return this.open.size;
  }

  /**
   * Closes every open connection with `code` (their `close` handlers run as usual), and any
   * that opens later.
   */
  closeAll(code: number, reason: string): void {
    this.closed = { code, reason };
    for (const ws of [...this.open]) {
      try {
        ws.close(code, reason);
      } catch (error) {
        this.report(error);
      }
    }
  }

  /** Forgets a stopped server. */
  forget(server: Server<any>): void {
    this.servers.delete(server);
  }

  /** Routes `publish` through `adapter` (see {@link PubSubAdapter}); `undefined` makes it local again. */
  setPubSub(adapter: PubSubAdapter | undefined): void {
    if (adapter !== undefined && typeof adapter?.publish !== "function")
      throw new TypeError("setPubSub() takes an object with a publish(topic, message) method, or undefined");
    this.adapter = adapter;
  }

  /** Through the adapter when there is one, else to this instance's subscribers. */
  publish(topic: string, message: string | Uint8Array): void | Promise<void> {
    checkPublish(topic, message);
    if (this.adapter !== undefined) return this.adapter.publish(topic, message);
    this.publishLocal(topic, message);
  }

  /**
   * Delivers to this instance's subscribers of `topic` (Bun's native `server.publish`).
   * Returns Bun's status summed over servers: bytes sent, 0 when nobody received it, -1 when
   * some subscriber is under backpressure.
   */
  publishLocal(topic: string, message: string | Uint8Array): number {
    checkPublish(topic, message);
    let sent = 0;
    let backpressure = false;
    for (const server of this.servers) {
      const status = server.publish(topic, message);
      if (status === -1) backpressure = true;
      else sent += status;
    }
    return backpressure ? -1 : sent;
  }

  /** Connections of this instance subscribed to `topic`. */
  subscriberCount(topic: string): number {
    let count = 0;
    for (const server of this.servers) count += server.subscriberCount(topic);
    return count;
  }
}

function checkPublish(topic: string, message: unknown): void {
  if (typeof topic !== "string" || topic === "")
    throw new TypeError("publish(): the topic must be a non-empty string");
  if (typeof message !== "string" && !(message instanceof Uint8Array))
    throw new TypeError("publish(): the message must be a string or a Uint8Array");
}
