/**
 * Response schemas, checked after the route's handlers (in development, or with
 * `harpia({ validateResponses: true })`): what was sent as JSON must match the schema of its
 * status, else the answer becomes a 500 `RESPONSE_VALIDATION_FAILED` naming the route and the
 * field. Bodies that are not JSON (text, files, streams, a returned `Response`) are not checked.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ErrorCode, HttpError, type ValidationIssue } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { SENT_JSON } from "../symbols";
import { isStandardSchema } from "./check";
import { collectIssues } from "./issues";
import type { ResponseSchema } from "./types";

/** Checks what `res` holds after the handlers; throws (or rejects with) the 500 on a mismatch. */
export type ResponseCheck = (req: HarpiaRequest<any>, res: HarpiaResponse) => void | Promise<void>;

function mismatch(where: string, status: number, issues: ValidationIssue[]): HttpError {
  const first = issues[0]!;
  const field = first.path === "" ? "the body" : `"${first.path}"`;
  return new HttpError(
    500,
    `Response of ${where} (status ${status}) does not match its schema: ${field}: ${first.message}`,
    { code: ErrorCode.RESPONSE_VALIDATION_FAILED, issues },
  );
}

/** Builds the check for a route's `schema.response` (`where` names the route, e.g. `GET /books/:id`). */
export function responseChecker(schema: ResponseSchema, where: string): ResponseCheck {
  const single = isStandardSchema(schema) ? schema : undefined;
  const byStatus = single === undefined ? (schema as Record<number, StandardSchemaV1>) : undefined;
  return (_req, res) => {
    if (res.error !== undefined) return;
    const status = res.statusCode;
    const target =
      single !== undefined ? (status >= 200 && status < 300 ? single : undefined) : byStatus![status];
    if (target === undefined) return;
    const sent = res[SENT_JSON];
    if (sent === undefined) return;
    const check = (outcome: StandardSchemaV1.Result<unknown>) => {
      if (!outcome.issues) return;
      const issues: ValidationIssue[] = [];
      collectIssues(issues, "response", outcome.issues);
      throw mismatch(where, status, issues);
    };
    const result = target["~standard"].validate(sent.value);
    return result instanceof Promise ? result.then(check) : check(result);
  };
}
