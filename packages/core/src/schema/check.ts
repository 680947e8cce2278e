/**
 * Checks `schema` and `detail` where they are given (route registration, router options), so a
 * misspelt part or a value that is not a Standard Schema throws a `TypeError` naming the route
 * and the key, instead of being ignored until a request shows it.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describeValue } from "../utils/internal/check";
import type { RouteDetail, RouteSchema, WebSocketRouteSchema } from "./types";

const HTTP_PARTS = ["params", "query", "headers", "cookies", "body", "response"] as const;
const WS_PARTS = ["params", "query", "headers", "message"] as const;
const DETAIL_KEYS = ["summary", "description", "tags", "operationId", "deprecated", "security", "hide"];

/** Whether `value` is a Standard Schema v1 (`value["~standard"].validate` is a function). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const standard = (value as { "~standard"?: { version?: unknown; validate?: unknown } })["~standard"];
  return typeof standard === "object" && standard !== null && typeof standard.validate === "function";
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError(`${what} must be an object, got ${describeValue(value)}`);
  return value as Record<string, unknown>;
}

function standard(value: unknown, what: string): StandardSchemaV1 {
  if (!isStandardSchema(value))
    throw new TypeError(
      `${what} must be a Standard Schema (zod 4, valibot, arktype...), got ${describeValue(value)}`,
    );
  if (value["~standard"].version !== 1)
    throw new TypeError(
      `${what}: Standard Schema version ${value["~standard"].version} is not supported (1 is)`,
    );
  return value;
}

/** Checks an HTTP route's (or a router's) `schema` and returns a copy without empty keys. */
export function checkRouteSchema(value: unknown, where: string): RouteSchema {
  return checkParts(value, where, HTTP_PARTS) as RouteSchema;
}

/** Checks a WebSocket route's `schema` and returns a copy without empty keys. */
export function checkWsSchema(value: unknown, where: string): WebSocketRouteSchema {
  return checkParts(value, where, WS_PARTS) as WebSocketRouteSchema;
}

function checkParts(value: unknown, where: string, parts: readonly string[]): Record<string, unknown> {
  const input = plainObject(value, `${where}: "schema"`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!parts.includes(key))
      throw new TypeError(`${where}: unknown schema part "${key}" (known: ${parts.join(", ")})`);
    const entry = input[key];
    if (entry === undefined) continue;
    const what = `${where}: schema.${key}`;
    out[key] =
      key === "response" && !isStandardSchema(entry) ? checkStatusMap(entry, what) : standard(entry, what);
  }
  return out;
}

function checkStatusMap(value: unknown, what: string): Record<number, StandardSchemaV1> {
  const map = plainObject(value, `${what} (a schema, or one per status)`);
  const out: Record<number, StandardSchemaV1> = {};
  for (const key of Object.keys(map)) {
    const status = Number(key);
    if (!/^[1-5]\d\d$/.test(key)) throw new TypeError(`${what}: "${key}" is not an HTTP status (100 to 599)`);
    if (map[key] !== undefined) out[status] = standard(map[key], `${what}[${key}]`);
  }
  return out;
}

/** Checks a route's (or a router's) `detail` and returns a copy. */
export function checkRouteDetail(value: unknown, where: string): RouteDetail {
  const input = plainObject(value, `${where}: "detail"`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!DETAIL_KEYS.includes(key))
      throw new TypeError(`${where}: unknown detail "${key}" (known: ${DETAIL_KEYS.join(", ")})`);
    const entry = input[key];
    if (entry === undefined) continue;
    const what = `${where}: detail.${key}`;
    if (key === "deprecated" || key === "hide") {
      if (typeof entry !== "boolean")
        throw new TypeError(`${what}: expected true or false, got ${describeValue(entry)}`);
    } else if (key === "tags") {
      if (!Array.isArray(entry) || entry.some((tag) => typeof tag !== "string"))
        throw new TypeError(`${what}: expected an array of strings, got ${describeValue(entry)}`);
      out[key] = [...entry];
      continue;
    } else if (key === "security") {
      checkSecurity(entry, what);
      out[key] = entry.map((requirement: Record<string, string[]>) => ({ ...requirement }));
      continue;
    } else if (typeof entry !== "string") {
      throw new TypeError(`${what}: expected a string, got ${describeValue(entry)}`);
    }
    out[key] = entry;
  }
  return out as RouteDetail;
}

function checkSecurity(value: unknown, what: string): asserts value is Record<string, string[]>[] {
  const ok =
    Array.isArray(value) &&
    value.every(
      (requirement) =>
        requirement !== null &&
        typeof requirement === "object" &&
        !Array.isArray(requirement) &&
        Object.values(requirement).every(
          (scopes) => Array.isArray(scopes) && scopes.every((scope) => typeof scope === "string"),
        ),
    );
  if (!ok)
    throw new TypeError(`${what}: expected an array of { scheme: [scopes...] }, e.g. [{ bearer: [] }]`);
}
