/**
 * (A) Inferred, variation "union": each `get`/`post` adds one `Route<Key, Entry>` member to a union
 * (`App<Routes | Route<"GET /path", entry>>`); the client turns the union into a map once.
 */
import { type Req, RuntimeApp } from "./app-runtime";
import { type Client, createClient } from "./client";
import type { ParamsOf } from "./params";
import type { StandardSchemaV1 } from "./standard-schema";

type ParamsInput<P extends string> = {} extends ParamsOf<P> ? {} : { params: ParamsOf<P> };

/** One registered route. */
export interface Route<Key extends string, Entry> {
  key: Key;
  entry: Entry;
}

/** An app whose type is the union of its routes. */
export interface App<Routes extends Route<string, unknown> = never> {
  readonly "~routes"?: Routes;
  get<const P extends string, R>(
    path: P,
    handler: (req: Req<ParamsOf<P>, undefined>) => R,
  ): App<Routes | Route<`GET ${P}`, { input: ParamsInput<P>; output: Awaited<R> }>>;
  post<const P extends string, S extends StandardSchemaV1, R>(
    path: P,
    schema: { body: S },
    handler: (req: Req<ParamsOf<P>, StandardSchemaV1.InferOutput<S>>) => R,
  ): App<
    | Routes
    | Route<
        `POST ${P}`,
        { input: ParamsInput<P> & { body: StandardSchemaV1.InferInput<S> }; output: Awaited<R> }
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

/** The route map of an app type (built once per client type). */
export type RoutesOf<A> = A extends { "~routes"?: infer U }
  ? {
      [R in NonNullable<U> as R extends Route<infer K, unknown> ? K : never]: R extends Route<string, infer E>
        ? E
        : never;
    }
  : never;

/** A typed client for `A`. */
export function client<A>(baseUrl: string): Client<RoutesOf<A>> {
  return createClient<RoutesOf<A>>(baseUrl);
}
