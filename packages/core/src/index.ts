/**
 * @harpia/core — a Bun-first web framework: routing, middleware, request/response helpers,
 * body parsing, cookies, errors, stores and a logger. Siblings plug in through `app.use`,
 * `app.engine.set` or a `Store`.
 */
import { harpia } from "./app";

export { type AppSettings, Harpia, type HarpiaOptions, harpia } from "./app";
export type { CloseOptions } from "./app/shutdown";
export { DEFAULT_JSON_DEPTH } from "./body/json";
export { type BodyLimits, bodyKind, collectFormData, mediaType, parseBody, readLimited } from "./body/parse";
export type { BodyKind, UploadedFile } from "./body/types";
export { type FieldLimits, parseUrlEncoded } from "./body/urlencoded";
export { type CompressOptions, compress } from "./compress/compress";
export type { CompressionLevels } from "./compress/encoders";
export { type Encoding, negotiateEncoding } from "./compress/negotiate";
export {
  type CookieSignatureCompat,
  CookieSigner,
  type CookiesOptions,
  RequestCookies,
  ResponseCookies,
  serializeCookie,
} from "./cookies";
export { type CorsOptions, cors } from "./cors/cors";
export type { CorsOrigin, OriginFunction, StaticOrigin } from "./cors/origin";
export { definePlugin, type PluginDefinition } from "./define-plugin";
export { EngineSlot, type RenderContext, type ViewEngine } from "./engine";
export { type ErrorBody, writeErrorResponse } from "./error-page";
export {
  ErrorCode,
  type ErrorCodeName,
  HttpError,
  type HttpErrorOptions,
  isHttpError,
  statusText,
  toHttpError,
} from "./errors";
export {
  METHODS,
  type Method,
  type RegisterInput,
  type RouteGroup,
  type RouteInfo,
  type RouteMethod,
  Router,
  type WsMethod,
  type WsRouteInfo,
} from "./group";
export type { HookName, Hooks } from "./hooks";
export { type LoggerOptions, logger } from "./logger";
export type { MethodOverrideOptions } from "./pipeline/method-override";
export { isPlugin, type Plugin } from "./plugin";
export { type AddressSource, HarpiaRequest, type RequestState } from "./request";
export { HarpiaResponse, type Locals, type SendBody } from "./response";
export type { JoinPath, ParamsOf } from "./router/params";
export { DEFAULT_CONSTRAINT_MAX_LENGTH, TrieRouter, type TrieRouterOptions } from "./router/trie-router";
export type { ServerHandle, ServerOptions, WebSocketOptions } from "./server";
export type { MaxAge } from "./static/cache-control";
export { contentTypeFor } from "./static/mime";
export type { Dotfiles, FileOptions, FileResponseOptions } from "./static/send-file";
export { type StaticOptions, serveStatic } from "./static/serve-static";
export type { FileInfo, StatCacheOptions } from "./static/stat-cache";
export { Cache, type CacheOptions } from "./store/cache";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store";
export { encodeStoreValue } from "./store/serialize";
export { type AtomicStore, type ListPushOptions, type Store, StoreTypeError } from "./store/types";
export {
  type ErrorHandler,
  type Handler,
  type Middleware,
  type MiddlewareWithOptions,
  type Next,
  type NextFunction,
  ROUTE_OPTIONS,
  type RouteOptions,
  withRouteOptions,
} from "./types";
export { sanitizeFileName } from "./upload/sanitize";
export type { FileNamer, SavedFile, UploadOptions, UploadRules } from "./upload/types";
export { Upload } from "./upload/upload";
export { preferredFormat } from "./utils/accepts";
export { escapeHtml } from "./utils/html";
export type { TrustProxy, TrustProxyOptions } from "./utils/internal/ip";
export { requestProtocol } from "./utils/protocol";
export { type SafeRedirectOptions, safeRedirectTarget } from "./utils/redirect";
export { parseSize, type Size } from "./utils/size";
export { vary } from "./utils/vary";
export type {
  HarpiaWebSocket,
  PubSubAdapter,
  UpgradeResult,
  WsData,
  WsHandlers,
  WsMessage,
} from "./ws/types";

export default harpia;
