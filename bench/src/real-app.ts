/**
 * What the "real app" scenarios share (S8 stack + session, S9 page, S10 production): the
 * security headers shield sends by default, the session every framework logs in to, the rows of
 * the page and the rate limit. Each server does the same work with these values, by hand (raw
 * Bun) or with its framework's middleware.
 */
import path from "node:path";
import { user } from "./scenarios";

/**
 * The secret of the session cookie (raw Bun and Harpia sign it; hono-sessions encrypts its id
 * with it). 32+ characters, as every library asks.
 */
export const COOKIE_SECRET = "bench-cookie-secret-0123456789-abcdef";

/** Name of the session cookie (Harpia's default). */
export const SESSION_COOKIE = "session_id";

/** What `GET /login` stores in the session, and what S8 and S9 read back. */
export const VIEWER = { userId: "7", name: "Grace Hopper" } as const;

/** Seconds a session lives without activity (sliding, as Harpia's default `rolling`). */
export const SESSION_TTL = 24 * 60 * 60;

/** The S8 body: S2's user, plus who is looking (from the session). */
export const viewedUser = (id: string, viewer: string | undefined) => ({
  ...user(id),
  viewer: viewer ?? null,
});

/**
 * The headers `@harpia/shield` sends by default, without the CSP (below) and HSTS (over HTTPS
 * only: the load generator says `X-Forwarded-Proto: https`, as the proxy in front of a real app
 * does). 10 fixed + CSP + HSTS = 12.
 */
export const FIXED_SECURITY_HEADERS: [string, string][] = [
  ["cross-origin-opener-policy", "same-origin"],
  ["cross-origin-resource-policy", "same-origin"],
  ["origin-agent-cluster", "?1"],
  ["referrer-policy", "no-referrer"],
  ["x-content-type-options", "nosniff"],
  ["x-dns-prefetch-control", "off"],
  ["x-download-options", "noopen"],
  ["x-frame-options", "SAMEORIGIN"],
  ["x-permitted-cross-domain-policies", "none"],
  ["x-xss-protection", "0"],
];

/** HSTS as shield sends it on HTTPS requests. */
export const HSTS: [string, string] = ["strict-transport-security", "max-age=15552000; includeSubDomains"];

/** Shield's default Content-Security-Policy, with the request's nonce in `script-src` and `style-src`. */
export function csp(nonce?: string): string {
  const n = nonce === undefined ? "" : ` 'nonce-${nonce}'`;
  return (
    "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; " +
    "frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; " +
    `script-src 'self'${n}; script-src-attr 'none'; style-src 'self'${n}; upgrade-insecure-requests`
  );
}

/** Every security header of S8 (no nonce: it answers JSON), for servers that set them by hand. */
export const SECURITY_HEADERS: [string, string][] = [
  ...FIXED_SECURITY_HEADERS,
  ["content-security-policy", csp()],
  HSTS,
];

/** The 20 rows of the S9 page; some text needs escaping. */
export const PAGE_ROWS = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  name: `Item <${i + 1}>`,
  owner: i % 3 === 0 ? "O'Brien & Sons" : "Ada Lovelace",
  score: (i * 37) % 100,
  active: i % 2 === 0,
}));

/** The S9 page's title. */
export const PAGE_TITLE = "Orders & invoices";

/** Where S9's templates are: `eta/` (raw Bun, Hono) and `harpia/` (@harpia/template-engine). */
export const VIEWS_DIR = path.join(import.meta.dir, "views");

/** S10's rate limit: high enough never to refuse during a run (memory store, sliding window). */
export const RATE_LIMIT = { limit: 1_000_000_000, windowSeconds: 60 } as const;
