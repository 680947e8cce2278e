/**
 * Whether a request comes from a page of the app's own origin: the one decision behind method
 * override (`pipeline/method-override.ts`) and the WebSocket handshake (`ws/origins.ts`), both
 * places where a browser sends the visitor's cookies for any site that asks. Core only.
 */
import type { HarpiaRequest } from "../../request";
import { FORWARDED } from "../../symbols";
import { describeValue } from "./check";

/**
 * Whether the request comes from the app's own origin or one of `allowed`:
 * - its `Origin` is in `allowed`: yes;
 * - `Sec-Fetch-Site` (sent by every current browser, and not settable by pages) is
 *   `same-origin` or `none` (typed by the user): yes; `same-site` or `cross-site`: no;
 * - else an `Origin` (older browsers) must be the app's own origin, from the request URL
 *   (and `X-Forwarded-Proto`/`-Host` when the app trusts a proxy);
 * - neither header (curl, server-to-server, very old clients): yes, as no browser is involved.
 */
export function fromOwnOrigin(req: HarpiaRequest<any>, allowed: ReadonlySet<string>): boolean {
  const headers = req.headers;
  const origin = headers.get("origin");
  if (origin !== null && allowed.has(origin)) return true;
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  if (origin === null) return true;
  return origin === ownOrigin(req);
}

/** The origin the client addressed: the request URL's, corrected by the trusted proxies. */
function ownOrigin(req: HarpiaRequest<any>): string | undefined {
  try {
    const host = req[FORWARDED]("x-forwarded-host") ?? new URL(req.url).host;
    return new URL(`${req.protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * An option's origin (`https://admin.example.com`, a trailing `/` allowed), as browsers write it
 * in `Origin`; anything else (a path, `*`, not a URL) throws a `TypeError` naming `option`.
 */
export function checkOrigin(value: unknown, option: string): string {
  if (typeof value === "string") {
    try {
      const origin = new URL(value).origin;
      if (origin !== "null" && value.replace(/\/$/, "").toLowerCase() === origin.toLowerCase()) return origin;
    } catch {}
  }
  throw new TypeError(`${option}: ${describeValue(value)} is not an origin (scheme://host[:port], no path)`);
}

/** A list of origins for `option`, each checked by {@link checkOrigin}. */
export function checkOrigins(value: unknown, option: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${option}: expected a list of origins`);
  return value.map((origin) => checkOrigin(origin, option));
}
