import type { HarpiaResponse } from "@harpia/core";

/** Writes one limiter's headers on a response. */
export type HeaderWriter = (res: HarpiaResponse, remaining: number, resetSeconds: number) => void;

/** One limiter's header writer, and the names it writes (read back for the 429's `HttpError`). */
export interface LimiterHeaders {
  readonly write: HeaderWriter;
  readonly names: readonly string[];
}

const NONE: LimiterHeaders = { write: () => {}, names: [] };
const DRAFT_NAMES = ["ratelimit-policy", "ratelimit"] as const;
const LEGACY_NAMES = [
  "ratelimit-limit",
  "ratelimit-remaining",
  "ratelimit-reset",
  "ratelimit-policy",
] as const;

/** Adds `item` to a structured-field list already on the response (another limiter's), if any. */
function appended(res: HarpiaResponse, name: string, item: string): string {
  if (!res.hasHeader(name)) return item;
  const existing = res.headers.get(name);
  return existing ? `${existing}, ${item}` : item;
}

/** The headers of `names` as the response has them now (for the 429's `HttpError`). */
export function headersOf(res: HarpiaResponse, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = res.headers.get(name) ?? "";
  return out;
}

/**
 * The header writer of one limiter, its constant parts built once.
 *
 * - `"draft"` (draft-ietf-httpapi-ratelimit-headers-10/-11): `RateLimit-Policy: "name";q=limit;w=window`
 *   and `RateLimit: "name";r=remaining;t=seconds`, structured-field lists: a second limiter on
 *   the same request adds its items to both.
 * - `"legacy"` (drafts up to -07, most clients today): `RateLimit-Limit`, `RateLimit-Remaining`,
 *   `RateLimit-Reset` (seconds) and `RateLimit-Policy: limit;w=window`. They hold one policy:
 *   with several limiters, the one with the fewest requests left is shown.
 * - `false`: none.
 */
export function headerWriter(
  style: "draft" | "legacy" | false,
  name: string,
  limit: number,
  windowSeconds: number,
): LimiterHeaders {
  if (style === false) return NONE;
  if (style === "draft") {
    const policy = `"${name}";q=${limit};w=${windowSeconds}`;
    const prefix = `"${name}";r=`;
    return {
      names: DRAFT_NAMES,
      write(res, remaining, resetSeconds) {
        const item = `${prefix}${remaining};t=${resetSeconds}`;
        // A second limiter on this request: its items join the first one's lists.
        if (res.hasHeader("ratelimit") || res.hasHeader("ratelimit-policy")) {
          res.header("ratelimit-policy", appended(res, "ratelimit-policy", policy));
          res.header("ratelimit", appended(res, "ratelimit", item));
          return;
        }
        res.header("ratelimit-policy", policy);
        res.header("ratelimit", item);
      },
    };
  }
  const limitValue = String(limit);
  const policy = `${limit};w=${windowSeconds}`;
  return {
    names: LEGACY_NAMES,
    write(res, remaining, resetSeconds) {
      if (res.hasHeader("ratelimit-remaining") && Number(res.headers.get("ratelimit-remaining")) <= remaining)
        return;
      res.header("ratelimit-limit", limitValue);
      res.header("ratelimit-remaining", String(remaining));
      res.header("ratelimit-reset", String(resetSeconds));
      res.header("ratelimit-policy", policy);
    },
  };
}
