// Helpers of the rate-limit tests (not shipped).
import { expect } from "bun:test";

/** The content type of core's default error response, which answers the 429 (RFC 9457). */
export const ERROR_CONTENT_TYPE = /^application\/problem\+json$/;

/** The body of core's default error response. */
export async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}

/**
 * Checks a refusal as a client sees it: 429 with code `RATE_LIMITED` in core's default error
 * format, `Retry-After: retryAfter` and, unless `headers` is false, the draft's `RateLimit`
 * fields for policy `name`.
 */
export async function expectRefused(
  res: Response,
  expected: { retryAfter?: number; name?: string; limit?: number; window?: number; headers?: boolean } = {},
): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toMatch(ERROR_CONTENT_TYPE);
  expect(await errorCode(res)).toBe("RATE_LIMITED");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  if (expected.retryAfter !== undefined) expect(retryAfter).toBe(String(expected.retryAfter));
  if (expected.headers === false) return;
  const name = expected.name ?? "default";
  expect(res.headers.get("ratelimit")).toContain(`"${name}";r=0;t=${retryAfter}`);
  if (expected.limit !== undefined && expected.window !== undefined)
    expect(res.headers.get("ratelimit-policy")).toContain(
      `"${name}";q=${expected.limit};w=${expected.window}`,
    );
}

/** A clock for `rateLimit({ now })`: starts at the beginning of a window (a multiple of every window used). */
export function testClock(start = 1_699_920_000_000) {
  const clock = {
    time: start,
    now: () => clock.time,
    /** Moves to `seconds` after the start. */
    at(seconds: number) {
      clock.time = start + seconds * 1000;
    },
  };
  return clock;
}

/** Statuses of `responses`, counted: `{ 200: 50, 429: 150 }`. */
export function statusCounts(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}
