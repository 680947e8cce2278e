/**
 * (B) The server side of "generated": Harpia's statement style (`app.get(path, schema, handler)`,
 * no chaining, routes may live in many files). Schemas type `req.body` and `res.json`; the route
 * map the client reads is generated from the OpenAPI document, not inferred from this type.
 */
import { type Req, RuntimeApp } from "./app-runtime";
import type { ParamsOf } from "./params";
import type { StandardSchemaV1 } from "./standard-schema";

/** The response handle, typed by the route's response schema. */
export interface Res<T> {
  json(body: T): void;
}

/** What a schema produces; anything when the route declares none. */
type Out<S extends StandardSchemaV1 | undefined> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : unknown;

/** An app whose routes carry schemas. Its type does not change as routes are added. */
export interface Server {
  get<const P extends string, S extends StandardSchemaV1 | undefined = undefined>(
    path: P,
    schema: { response?: S },
    handler: (req: Req<ParamsOf<P>, undefined>, res: Res<Out<S>>) => void | Promise<void>,
  ): void;
  post<
    const P extends string,
    B extends StandardSchemaV1,
    S extends StandardSchemaV1 | undefined = undefined,
  >(
    path: P,
    schema: { body: B; response?: S },
    handler: (req: Req<ParamsOf<P>, Out<B>>, res: Res<Out<S>>) => void | Promise<void>,
  ): void;
  fetch(req: Request): Promise<Response>;
}

/** A new app. */
export function createServer(): Server {
  const app = new RuntimeApp();
  const wrap = (handler: (req: Req<any, any>, res: Res<unknown>) => void | Promise<void>) => {
    return async (req: Req<any, any>) => {
      let sent: unknown;
      await handler(req, {
        json: (body) => {
          sent = body;
        },
      });
      return sent;
    };
  };
  return {
    get: (path, _schema, handler) => void app.add("GET", path, undefined, wrap(handler as never)),
    post: (path, schema, handler) => void app.add("POST", path, schema.body, wrap(handler as never)),
    fetch: app.fetch,
  };
}
