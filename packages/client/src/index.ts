/**
 * @harpia/client — a typed fetch client. `harpia-client generate` turns an OpenAPI 3.1
 * document into a flat `Routes` interface; `createClient<Routes>()` types every call from it.
 */
export type { BodyKind } from "./body";
export {
  type ClientOptions,
  createClient,
  type FetchFunction,
  type HeadersOption,
  type RouteAccepts,
} from "./client";
export { HttpClientError, unwrap } from "./errors";
export type {
  CallOptions,
  Client,
  ClientErrorStatus,
  ErrorStatus,
  Failure,
  InputArgs,
  PathsOf,
  ProblemDocument,
  ResponseOf,
  RouteEntry,
  RouteInput,
  ServerErrorStatus,
  Success,
  SuccessStatus,
  Unexpected,
} from "./types";
