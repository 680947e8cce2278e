/**
 * The scenarios every server answers identically (same status, body and content type), so the
 * frameworks are compared on the same work.
 */
import path from "node:path";

export const SCENARIOS = {
  S1: "GET / text",
  S2: "GET /users/:id JSON",
  S3: "S2 behind 5 async `await next()` middlewares (Elysia: 5 hooks)",
  S3S: "S3 with synchronous middlewares (`return next()`; Elysia: 5 hooks)",
  S4: "POST /echo JSON body echoed",
  S4V: "S4 with a 5-field body validated (400/422 when invalid)",
  S5: "GET a 4 KB static file",
  S6: "200 registered routes, the last one requested",
  S6S: "routes without parameters (plain paths), the last one requested",
  S7: "S2 behind CORS, reading a cookie, setting 12 headers",
  S8: "S7 with shield's 12 headers and a session read (memory store)",
  S9: "an HTML page: layout + 20-row template, CSP nonce, session read",
  S10: "S2 + request id + JSON access log + rate limit (memory)",
} as const;

export type Scenario = keyof typeof SCENARIOS;

/** Directory served statically in S5, and the file requested. */
export const STATIC_DIR = path.join(import.meta.dir, "..", "fixtures");
export const STATIC_FILE = "4k.txt";

/** How many routes S6 registers (overridable to check that cost stays flat). */
export const routeCount = () => Number(process.env.ROUTES ?? 200);

/** The S2 body for an id. */
export const user = (id: string) => ({ id, name: "Ada Lovelace", active: true });

/** The 12 response headers of S7 (the size of a security-header set). */
export const TWELVE_HEADERS: [string, string][] = [
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "SAMEORIGIN"],
  ["x-xss-protection", "0"],
  ["referrer-policy", "no-referrer"],
  ["cross-origin-opener-policy", "same-origin"],
  ["cross-origin-resource-policy", "same-origin"],
  ["origin-agent-cluster", "?1"],
  ["x-dns-prefetch-control", "off"],
  ["x-download-options", "noopen"],
  ["x-permitted-cross-domain-policies", "none"],
  ["strict-transport-security", "max-age=15552000; includeSubDomains"],
  ["content-security-policy", "default-src 'self'"],
];

/** Parses `<scenario> <port>` from the command line of a server process. */
export function serverArgs(): { scenario: Scenario; port: number } {
  const [scenario = "S1", port = "0"] = process.argv.slice(2);
  if (!(scenario in SCENARIOS)) throw new Error(`unknown scenario ${scenario}`);
  return { scenario: scenario as Scenario, port: Number(port) };
}

/**
 * Tells the runner this framework does not implement the scenario (yet), and exits: the runner
 * skips it and shows "—".
 */
export function unsupported(reason: string): never {
  console.log(`unsupported ${reason}`);
  process.exit(0);
}

/** Tells the runner the server is up. */
export function ready(port: number): void {
  console.log(`ready ${port}`);
}
