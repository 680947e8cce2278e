/**
 * The cases `bun run bench` measures: a scenario (what every server implements, see
 * scenarios.ts) with a path, a request and what the runner checks in the answers.
 */
import { FIXED_SECURITY_HEADERS, HSTS } from "./real-app";
import { SCENARIOS, type Scenario, STATIC_FILE } from "./scenarios";
import { INVALID_BODY, VALID_BODY } from "./validated";

/** One measured case. */
export interface Case {
  id: string;
  scenario: Scenario;
  title: string;
  path: string;
  routes?: number;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** A body every framework must refuse with a 4xx (checked once, before measuring). */
  invalidBody?: string;
  /**
   * A path each server answers with a session cookie (`GET`, before measuring): its
   * `Set-Cookie` cookies are sent with every request, before the case's own `cookie` header.
   */
  login?: string;
  /** Response headers whose values must equal raw Bun's (after `normalize`). */
  sameHeaders?: string[];
  /**
   * Response headers every framework must send (values may differ: ids, counters);
   * `a|b`: either one.
   */
  presentHeaders?: string[];
  /** Makes per-request values (a CSP nonce) and insignificant spelling equal before comparing. */
  normalize?: (text: string) => string;
  /** Seconds measured (default: `--duration`), to keep the whole run short. */
  duration?: number;
}

/** Shield's 12 headers, as every framework must send them in S8 and S9. */
const SHIELD_HEADERS = [...FIXED_SECURITY_HEADERS.map(([name]) => name), "content-security-policy", HSTS[0]];
/** A nonce is per response; HTML escapes of `'` and whitespace between tags vary by engine. */
const normalizePage = (text: string) =>
  text
    .replace(/nonce-[A-Za-z0-9+/_-]+=*/g, "nonce-N")
    .replace(/nonce="[^"]*"/g, 'nonce="N"')
    .replace(/&#0?39;|&#x27;|&apos;/g, "'")
    .replace(/>\s+</g, "><")
    .replace(/\s+/g, " ")
    .trim();

/**
 * Seconds measured for the scenarios added for issue 18 (at 5 s the full run would pass 15
 * minutes): 3 s for S8–S10, 2 s for the route-count family (the same for all of it, as its
 * figures are compared with each other).
 */
const NEW_DURATION = 3;
const ROUTES_DURATION = 2;

/** Every case, in the order of the results table. */
export const CASES: Case[] = [
  { id: "S1", scenario: "S1", title: SCENARIOS.S1, path: "/" },
  { id: "S2", scenario: "S2", title: SCENARIOS.S2, path: "/users/42" },
  { id: "S3", scenario: "S3", title: SCENARIOS.S3, path: "/users/42" },
  { id: "S3S", scenario: "S3S", title: SCENARIOS.S3S, path: "/users/42", duration: NEW_DURATION },
  {
    id: "S4",
    scenario: "S4",
    title: SCENARIOS.S4,
    path: "/echo",
    method: "POST",
    body: JSON.stringify({ name: "Ada", tags: ["math", "engines"], n: 1815 }),
    headers: { "content-type": "application/json" },
  },
  {
    id: "S4V",
    scenario: "S4V",
    title: SCENARIOS.S4V,
    path: "/echo-valid",
    method: "POST",
    body: JSON.stringify(VALID_BODY),
    invalidBody: JSON.stringify(INVALID_BODY),
    headers: { "content-type": "application/json" },
  },
  { id: "S5", scenario: "S5", title: SCENARIOS.S5, path: `/static/${STATIC_FILE}` },
  { id: "S6", scenario: "S6", title: SCENARIOS.S6, path: "/items199/42", routes: 200 },
  {
    id: "S6-10",
    scenario: "S6",
    title: "S6 with 10 routes",
    path: "/items9/42",
    routes: 10,
    duration: ROUTES_DURATION,
  },
  {
    id: "S6-1000",
    scenario: "S6",
    title: "S6 with 1,000 routes",
    path: "/items999/42",
    routes: 1000,
    duration: ROUTES_DURATION,
  },
  {
    id: "S6-10000",
    scenario: "S6",
    title: "S6 with 10,000 routes",
    path: "/items9999/42",
    routes: 10_000,
    duration: ROUTES_DURATION,
  },
  {
    id: "S6S-10",
    scenario: "S6S",
    title: "10 plain routes (no parameters), the last one requested",
    path: "/plain9",
    routes: 10,
    duration: ROUTES_DURATION,
  },
  {
    id: "S6S-10000",
    scenario: "S6S",
    title: "10,000 plain routes, the last one requested",
    path: "/plain9999",
    routes: 10_000,
    duration: ROUTES_DURATION,
  },
  {
    id: "S7",
    scenario: "S7",
    title: SCENARIOS.S7,
    path: "/users/42",
    headers: { origin: "https://app.example", cookie: "session=abc123; theme=dark" },
  },
  {
    id: "S8",
    scenario: "S8",
    title: SCENARIOS.S8,
    path: "/users/42",
    login: "/login",
    headers: { origin: "https://app.example", cookie: "theme=dark", "x-forwarded-proto": "https" },
    sameHeaders: [...SHIELD_HEADERS, "access-control-allow-origin", "x-theme"],
    duration: NEW_DURATION,
  },
  {
    id: "S9",
    scenario: "S9",
    title: SCENARIOS.S9,
    path: "/orders",
    login: "/login",
    headers: { "x-forwarded-proto": "https" },
    sameHeaders: SHIELD_HEADERS,
    normalize: normalizePage,
    duration: NEW_DURATION,
  },
  {
    id: "S10",
    scenario: "S10",
    title: SCENARIOS.S10,
    path: "/users/42",
    presentHeaders: ["x-request-id", "ratelimit|ratelimit-remaining"],
    duration: NEW_DURATION,
  },
];
