/**
 * @harpia/request-id — one id per request: the valid `X-Request-Id` the client or proxy sent,
 * or a new UUIDv7; on `req.state.requestId` before routing and echoed on every response.
 */
export type { RequestIdOptions } from "./options";
export { PLUGIN_NAME, requestId, requestIdOf } from "./request-id";
