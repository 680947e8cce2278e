/**
 * The validation step of a route: built once at registration from its merged schemas and put
 * in its chain right before the route's own handlers (after the body was parsed and the app's
 * and routers' middleware ran). Routes without request schemas get no step at all.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ValidationIssue, ValidationTarget } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { VALIDATED } from "../symbols";
import type { Middleware } from "../types";
import { collectIssues, validationError } from "./issues";
import { type ResponseCheck, responseChecker } from "./response";
import type { RouteSchema } from "./types";

type RequestPart = Exclude<ValidationTarget, "message" | "response">;

/** One part of the request to validate: where its input is read and its output goes. */
interface PartCheck {
  part: RequestPart;
  validate: StandardSchemaV1["~standard"]["validate"];
}

type Outcome = StandardSchemaV1.Result<unknown>;

const ORDER: readonly RequestPart[] = ["params", "query", "headers", "cookies", "body"];

/** A copy of a plain object without prototype (params, query, cookies are maps). */
function asMap(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.assign(Object.create(null), value);
}

/** The query as a schema sees it: one string per key, an array of strings for a repeated key. */
function queryInput(req: HarpiaRequest<any>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!req.url.includes("?")) return out;
  for (const [key, value] of req.searchParams) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[key] = [seen, value];
  }
  return out;
}

/** Headers as a schema sees them: lower-case names to values (repeated ones joined by `, `). */
function headersInput(req: HarpiaRequest<any>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of req.raw.headers) out[name] = value;
  return out;
}

/** Names a `Headers` object answers itself (`get`, `has`...): never shadowed by a header value. */
const HEADERS_API = new Set(Object.getOwnPropertyNames(Headers.prototype));

/** What a part's schema validates. */
function inputOf(req: HarpiaRequest<any>, part: RequestPart): unknown {
  switch (part) {
    case "params":
      return req.params;
    case "query":
      return queryInput(req);
    case "headers":
      return headersInput(req);
    case "cookies":
      return Object.assign(Object.create(null), req.cookies.getAll());
    default:
      return req.body;
  }
}

/** The validated output replaces the part on `req`. */
function apply(req: HarpiaRequest<any>, part: RequestPart, value: unknown): void {
  switch (part) {
    case "params":
      req.params = asMap(value);
      return;
    case "query":
    case "cookies":
      req[VALIDATED](part, asMap(value));
      return;
    case "headers": {
      // Declared headers read as properties (`req.headers["x-api-key"]`), with their validated
      // values; `req.headers.get()` still answers with what the client sent.
      if (value === null || typeof value !== "object") return;
      const headers = req.raw.headers as unknown as Record<string, unknown>;
      for (const [name, entry] of Object.entries(value)) if (!HEADERS_API.has(name)) headers[name] = entry;
      return;
    }
    default:
      req.body = value;
  }
}

/** Validates every part (all issues collected); throws the 422 when any failed. */
function validateParts(checks: readonly PartCheck[], req: HarpiaRequest<any>): Promise<void> | undefined {
  const results: (Outcome | Promise<Outcome>)[] = [];
  let async = false;
  for (const check of checks) {
    const result = check.validate(inputOf(req, check.part));
    if (result instanceof Promise) async = true;
    results.push(result);
  }
  if (!async) {
    settle(checks, req, results as Outcome[]);
    return undefined;
  }
  return Promise.all(results).then((outcomes) => settle(checks, req, outcomes));
}

/** Throws the 422 when any part failed; else each part's output replaces it on `req`. */
function settle(checks: readonly PartCheck[], req: HarpiaRequest<any>, outcomes: readonly Outcome[]): void {
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < checks.length; i++) {
    const found = outcomes[i]!.issues;
    if (found) collectIssues(issues, checks[i]!.part, found);
  }
  if (issues.length !== 0) throw validationError(issues);
  for (let i = 0; i < checks.length; i++)
    apply(req, checks[i]!.part, (outcomes[i] as { value: unknown }).value);
}

/** Settings the step reads live (the app's development mode can change after compiling). */
export interface ValidationSettings {
  /** Whether responses are checked against `schema.response` now. */
  checkResponses: () => boolean;
}

/**
 * The validation step for a route's merged schemas, or `undefined` when it declares nothing to
 * check (then the route's chain is exactly what it was without schemas). `where` names the
 * route in response-validation errors.
 */
export function validationStep(
  schema: RouteSchema | undefined,
  where: string,
  settings: ValidationSettings,
): Middleware | undefined {
  if (schema === undefined) return undefined;
  const checks: PartCheck[] = [];
  for (const part of ORDER) {
    const entry = schema[part];
    if (entry !== undefined) checks.push({ part, validate: entry["~standard"].validate });
  }
  const response: ResponseCheck | undefined =
    schema.response === undefined ? undefined : responseChecker(schema.response, where);
  if (checks.length === 0 && response === undefined) return undefined;
  if (response === undefined) {
    return (req, _res, next) => {
      const pending = validateParts(checks, req);
      return pending === undefined ? next() : pending.then(() => next());
    };
  }
  const run = (req: HarpiaRequest<any>, res: HarpiaResponse, next: () => Promise<void>) => {
    if (!settings.checkResponses()) return next();
    return next().then(() => response(req, res));
  };
  if (checks.length === 0) return (req, res, next) => run(req, res, next);
  return (req, res, next) => {
    const pending = validateParts(checks, req);
    return pending === undefined ? run(req, res, next) : pending.then(() => run(req, res, next));
  };
}
