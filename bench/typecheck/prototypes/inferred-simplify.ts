/**
 * (A) Inferred, variation "flattened": like "intersection", but every step copies the map into one
 * object type (`Simplify<Routes & {...}>`), as libraries do to keep hovers readable.
 */
import { type Req, RuntimeApp } from "./app-runtime";
import { type Client, createClient } from "./client";
import type { ParamsOf } from "./params";
import type { StandardSchemaV1 } from "./standard-schema";

type ParamsInput<P extends string> = {} extends ParamsOf<P> ? {} : { params: ParamsOf<P> };
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** An app whose type records every route registered so far, as one flat object type. */
export interface App<Routes = {}> {
  readonly "~routes"?: Routes;
  get<const P extends string, R>(
    path: P,
    handler: (req: Req<ParamsOf<P>, undefined>) => R,
  ): App<Simplify<Routes & { [K in `GET ${P}`]: { input: ParamsInput<P>; output: Awaited<R> } }>>;
  post<const P extends string, S extends StandardSchemaV1, R>(
    path: P,
    schema: { body: S },
    handler: (req: Req<ParamsOf<P>, StandardSchemaV1.InferOutput<S>>) => R,
  ): App<
    Simplify<
      Routes & {
        [K in `POST ${P}`]: {
          input: ParamsInput<P> & { body: StandardSchemaV1.InferInput<S> };
          output: Awaited<R>;
        };
      }
    >
  >;
  fetch(req: Request): Promise<Response>;
}

/** A new app with no routes. */
export function createApp(): App {
  const app = new RuntimeApp();
  const self = {
    get: (path: string, handler: any) => {
      app.add("GET", path, undefined, handler);
      return self;
    },
    post: (path: string, schema: { body: StandardSchemaV1 }, handler: any) => {
      app.add("POST", path, schema.body, handler);
      return self;
    },
    fetch: app.fetch,
  };
  return self as unknown as App;
}

/** The route map of an app type. */
export type RoutesOf<A> = A extends { "~routes"?: infer R } ? R : never;

/** A typed client for `A`. */
export function client<A>(baseUrl: string): Client<RoutesOf<A>> {
  return createClient<RoutesOf<A>>(baseUrl);
}
