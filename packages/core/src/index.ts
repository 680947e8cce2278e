/**
 * @harpia/core — a Bun-first web framework: routing, middleware, request/response helpers,
 * body parsing, cookies, errors, stores and a logger. Siblings plug in through `app.use`,
 * `app.engine.set` or a `Store`.
 *
 * This entry is the app API. Helpers for plugin authors (path containment, nonces, HSTS, error
 * pages, body parsing...) are in `@harpia/core/utils`; the `AtomicStore` contract suite for
 * store authors is in `@harpia/core/testing`.
 */
import { harpia } from "./app";

// The app, routing and handlers.
export { type AppSettings, Harpia, type HarpiaOptions, harpia } from "./app";
export type { BodyKind, UploadedFile } from "./body/types";
export type { CloseOptions, DrainOptions } from "./close-options";
// Batteries: middleware, static files, uploads, stores.
export { type CompressOptions, compress } from "./compress/compress";
export type { CompressionLevels } from "./compress/encoders";
export type { Encoding } from "./compress/negotiate";
export {
  type CookieSignatureCompat,
  CookieSigner,
  type CookiesOptions,
  RequestCookies,
  ResponseCookies,
} from "./cookies";
export { type CorsOptions, cors } from "./cors/cors";
export type { CorsOrigin, OriginFunction, StaticOrigin } from "./cors/origin";
export { definePlugin, type PluginDefinition } from "./define-plugin";
export type { EngineSlot, RenderContext, ViewEngine } from "./engine";
export {
  ErrorCode,
  type ErrorCodeName,
  HttpError,
  type HttpErrorOptions,
  isHttpError,
  statusText,
  toHttpError,
  type ValidationIssue,
  type ValidationTarget,
} from "./errors";
export {
  type ListedRoute,
  METHODS,
  type Method,
  type RegisterInput,
  type RouteGroup,
  type RouteHandlers,
  type RouteMethod,
  Router,
  type RouterFactory,
  type WsMethod,
  type WsRouteInfo,
} from "./group";
export type { ErrorReporter, HookName, Hooks } from "./hooks";
export { logger } from "./logger/logger";
export type { LogEntry, LoggedError, LoggerOptions, LogLevel, LogSink, PinoLike } from "./logger/options";
export type { MethodOverrideOptions } from "./pipeline/method-override";
export { isPlugin, type Plugin } from "./plugin";
export { type AddressSource, HarpiaRequest, type RequestState } from "./request";
export { HarpiaResponse, type Locals, type SendBody } from "./response";
export type { JoinPath, ParamsOf } from "./router/params";
export { isStandardSchema } from "./schema/check";
export type {
  JsonBody,
  ParamsFor,
  RequestShape,
  RequestShapeOf,
  ResponseShapeOf,
  SchemaOutput,
  SuccessBody,
  WsMessageFor,
} from "./schema/infer";
export type {
  GroupOptions,
  ResponseSchema,
  RouteDetail,
  RouteFileInfo,
  RouteInfo,
  RouteParamInfo,
  RouteSchema,
  StandardSchemaV1,
  WebSocketRouteSchema,
} from "./schema/types";
export type { ServerHandle, ServerOptions, WebSocketOptions } from "./server";
export type { MaxAge } from "./static/cache-control";
export type { Dotfiles, FileOptions, FileResponseOptions } from "./static/send-file";
export { type StaticOptions, serveStatic } from "./static/serve-static";
export type { FileInfo, StatCacheOptions } from "./static/stat-cache";
export { Cache, type CacheOptions } from "./store/cache";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store";
export { type AtomicStore, type ListPushOptions, type Store, StoreTypeError } from "./store/types";
export type { ChunkSource, StreamChunk, StreamOptions } from "./stream/iterable";
export type { SseProducer, SseStream } from "./stream/sse";
export type { SseMessage, SseOptions } from "./stream/sse-format";
export {
  type ErrorHandler,
  type Handler,
  type HandlerResult,
  type Middleware,
  type Next,
  type NextFunction,
  type RouteBaseOptions,
  type RouteOptions,
  type SchemaRouteOptions,
  withRouteOptions,
} from "./types";
export type { FileNamer, SavedFile, UploadOptions, UploadRules } from "./upload/types";
export { Upload } from "./upload/upload";
export type { Duration, DurationUnit } from "./utils/duration";
export type { TrustProxy, TrustProxyOptions } from "./utils/internal/ip";
export type { Size } from "./utils/size";
export type {
  HarpiaWebSocket,
  PubSubAdapter,
  UpgradeResult,
  WsData,
  WsHandlers,
  WsMessage,
} from "./ws/types";

export default harpia;
