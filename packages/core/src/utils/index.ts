/**
 * `@harpia/core/utils`: the helpers sibling packages and plugin authors need, public so that
 * nothing is copied between packages. Each is documented and tested where it is defined.
 *
 * @example
 * import { createNonce, hstsHeader, pathWithin, safeEqual } from "@harpia/core/utils";
 */

// Requests: bodies, content negotiation, the client's scheme.
export { DEFAULT_JSON_DEPTH } from "../body/json";
export { type BodyLimits, bodyKind, collectFormData, mediaType, parseBody, readLimited } from "../body/parse";
export { type FieldLimits, parseUrlEncoded } from "../body/urlencoded";
export { type Encoding, negotiateEncoding } from "../compress/negotiate";
// Responses: cookies, error pages, caching headers, file types.
export { serializeCookie } from "../cookies";
export { type ErrorBody, PROBLEM_JSON, writeErrorResponse } from "../error-page";
export { contentTypeFor } from "../static/mime";
// Paths and files.
export { joinInside, resolveInside } from "../static/safe-path";
// Values: sizes, HTML, bytes, promises, secrets, stores.
export { encodeStoreValue } from "../store/serialize";
export { sanitizeFileName } from "../upload/sanitize";
export { preferredFormat } from "./accepts";
export { byteLength } from "./bytes";
export { type Duration, type DurationUnit, parseDuration, secondsOf } from "./duration";
export { type HstsOptions, hstsHeader } from "./hsts";
export { escapeHtml } from "./html";
export { checkOptionKeys } from "./options";
export { pathWithin, trimSlashes, trimTrailingSlash } from "./path";
export { isThenable } from "./promise";
export { requestProtocol } from "./protocol";
export { createNonce, randomToken } from "./random";
export { type SafeRedirectOptions, safeRedirectTarget } from "./redirect";
export { safeEqual } from "./secrets";
export { parseSize, type Size } from "./size";
export { mergeVary, vary } from "./vary";
