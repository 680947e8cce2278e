import type { HarpiaResponse } from "@harpia/core";

/** Writes one limiter's headers on a response; returns them (for the 429's `HttpError`). */
export type HeaderWriter = (
  res: HarpiaResponse,
  remaining: number,
  resetSeconds: number,
) => Record<string, string>;

const NONE: HeaderWriter = () => ({});

/** Adds `item` to a structured-field list already on the response (another limiter's), if any. */
function appended(res: HarpiaResponse, name: string, item: string): string {
  if (!res.hasHeader(name)) return item;
  const existing = res.headers.get(name);
  return existing ? `${existing}, ${item}` : item;
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
): HeaderWriter {
  if (style === false) return NONE;
  if (style === "draft") {
    const policy = `"${name}";q=${limit};w=${windowSeconds}`;
    const prefix = `"${name}";r=`;
    return (res, remaining, resetSeconds) => {
      const headers = {
        "ratelimit-policy": appended(res, "ratelimit-policy", policy),
        ratelimit: appended(res, "ratelimit", `${prefix}${remaining};t=${resetSeconds}`),
      };
      res.header("ratelimit-policy", headers["ratelimit-policy"]);
      res.header("ratelimit", headers.ratelimit);
      return headers;
    };
  }
  const limitValue = String(limit);
  const policy = `${limit};w=${windowSeconds}`;
  return (res, remaining, resetSeconds) => {
    if (res.hasHeader("ratelimit-remaining")) {
      const shown = res.headers;
      if (Number(shown.get("ratelimit-remaining")) <= remaining)
        return {
          "ratelimit-limit": shown.get("ratelimit-limit") ?? "",
          "ratelimit-remaining": shown.get("ratelimit-remaining") ?? "",
          "ratelimit-reset": shown.get("ratelimit-reset") ?? "",
          "ratelimit-policy": shown.get("ratelimit-policy") ?? "",
        };
    }
    const headers = {
      "ratelimit-limit": limitValue,
      "ratelimit-remaining": String(remaining),
      "ratelimit-reset": String(resetSeconds),
      "ratelimit-policy": policy,
    };
    for (const header in headers) res.header(header, headers[header as keyof typeof headers]);
    return headers;
  };
}
