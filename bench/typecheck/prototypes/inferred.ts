/**
 * (A) Inferred, variation "intersection": each `get`/`post` returns `App<Routes & { "GET /path": entry }>`,
 * and `client<typeof app>()` reads the accumulated map, or `client()` reads the `Routes` registry.
 */
import { type Req, RuntimeApp } from "./app-runtime";
import { type Client, createClient } from "./client";
import type { ParamsOf } from "./params";
import type { StandardSchemaV1 } from "./standard-schema";

/** `{ params }` only when the path has some. */
type ParamsInput<P extends string> = {} extends ParamsOf<P> ? {} : { params: ParamsOf<P> };

/** An app whose type records every route registered so far. */
export interface App<Routes = {}> {
  /** Phantom: the accumulated route map (never read at run time). */
  readonly "~routes"?: Routes;
  get<const P extends string, R>(
    path: P,
    handler: (req: Req<ParamsOf<P>, undefined>) => R,
  ): App<Routes & { [K in `GET ${P}`]: { input: ParamsInput<P>; output: Awaited<R> } }>;
  post<const P extends string, S extends StandardSchemaV1, R>(
    path: P,
    schema: { body: S },
    handler: (req: Req<ParamsOf<P>, StandardSchemaV1.InferOutput<S>>) => R,
  ): App<
    Routes & {
      [K in `POST ${P}`]: {
        input: ParamsInput<P> & { body: StandardSchemaV1.InferInput<S> };
        output: Awaited<R>;
      };
    }
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

/**
 * The registry a frontend fills once, by declaration merging:
 *
 *   declare module "@harpia/client" { interface Routes extends RoutesOf<typeof app> {} }
 *
 * An interface that extends the accumulated map is also what makes calls cheap to check: tsc
 * resolves its members once, where the anonymous intersection costs ~5× more per call.
 */
// biome-ignore lint/suspicious/noEmptyInterface: a registry that frontends extend by declaration merging
export interface Routes {}

/** The route map of an app type. */
export type RoutesOf<A> = A extends { "~routes"?: infer R } ? R : never;

/** A typed client for the app type `A`, or for the registered `Routes` when `A` is omitted. */
export function client<A = undefined>(
  baseUrl: string,
): Client<[A] extends [undefined] ? Routes : RoutesOf<A>> {
  return createClient(baseUrl);
}
