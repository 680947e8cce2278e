/**
 * Which pages may open a WebSocket route: `harpia({ webSocket: { allowOrigins } })` and a
 * route's own `allowOrigins`, checked at registration and applied to each handshake before any
 * middleware runs.
 *
 * Browsers send the visitor's cookies with a WebSocket handshake whichever site opens it (the
 * same-origin policy does not cover WebSockets, and no CORS preflight happens), so without this
 * a page on any site could talk to the app as the signed-in visitor (Cross-Site WebSocket
 * Hijacking). Handshakes from other origins are therefore refused unless allowed.
 */
import { ErrorCode, HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import { checkOrigins, fromOwnOrigin } from "../utils/internal/same-origin";

/**
 * Where a WebSocket route's handshakes may come from: `"*"` for any page, else the app's own
 * origin and these ones (clients that are not browsers, sending neither `Origin` nor
 * `Sec-Fetch-Site`, always may).
 */
export type WsOriginPolicy = "*" | ReadonlySet<string>;

/** Only the app's own origin: the default. */
export const OWN_ORIGIN_ONLY: WsOriginPolicy = new Set<string>();

/**
 * Checks an `allowOrigins` value (`"*"`, or a list of `scheme://host[:port]` origins); anything
 * else throws a `TypeError` naming `option`.
 */
export function checkWsOrigins(value: unknown, option: string): WsOriginPolicy {
  if (value === "*") return "*";
  if (typeof value === "string")
    throw new TypeError(
      `${option}: expected a list of origins, or "*" for any, got ${JSON.stringify(value)}`,
    );
  if (Array.isArray(value) && value.includes("*"))
    throw new TypeError(`${option}: "*" allows every origin on its own, not inside a list`);
  return new Set(checkOrigins(value, option));
}

/** Checks and compiles `harpia({ webSocket })`: the default policy of every WebSocket route. */
export function compileWebSocketOptions(option: unknown): WsOriginPolicy {
  if (option === undefined) return OWN_ORIGIN_ONLY;
  if (option === null || typeof option !== "object" || Array.isArray(option))
    throw new TypeError("webSocket: expected an object such as { allowOrigins }");
  const { allowOrigins } = option as { allowOrigins?: unknown };
  return allowOrigins === undefined
    ? OWN_ORIGIN_ONLY
    : checkWsOrigins(allowOrigins, "webSocket.allowOrigins");
}

/**
 * Why a handshake is refused by the route's origin policy (a 403 `WS_ORIGIN_REFUSED`), or
 * `undefined` when it may go on. The decision is method override's (see `fromOwnOrigin`):
 * `Sec-Fetch-Site`, else `Origin` against the app's own origin (as `trustProxy` sees it).
 */
export function originRefused(policy: WsOriginPolicy, req: HarpiaRequest<any>): HttpError | undefined {
  if (policy === "*" || fromOwnOrigin(req, policy)) return undefined;
  return new HttpError(403, "WebSocket connections from pages of other origins are refused", {
    code: ErrorCode.WS_ORIGIN_REFUSED,
  });
}
