/** Standard Schema issues → the `{ in, path, message }` entries of a 422 problem document. */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ErrorCode, HttpError, type ValidationIssue, type ValidationTarget } from "../errors";

/** Most issues one request reports (a huge invalid body must not make a huge answer). */
export const MAX_ISSUES = 100;

/** `["author", "name"]` → `"/author/name"` (JSON Pointer escaping: `~` → `~0`, `/` → `~1`). */
export function issuePath(path: StandardSchemaV1.Issue["path"]): string {
  if (path === undefined || path.length === 0) return "";
  let out = "";
  for (const segment of path) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    out += `/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;
  }
  return out;
}

/** Appends `issues` found in `part` to `out`, up to {@link MAX_ISSUES}. */
export function collectIssues(
  out: ValidationIssue[],
  part: ValidationTarget,
  issues: readonly StandardSchemaV1.Issue[],
): void {
  for (const issue of issues) {
    if (out.length >= MAX_ISSUES) return;
    out.push({ in: part, path: issuePath(issue.path), message: String(issue.message) });
  }
}

/** The 422 a request with invalid parts gets. */
export function validationError(issues: ValidationIssue[]): HttpError {
  const first = issues[0];
  const where =
    first === undefined ? "" : ` (${first.in}${first.path ? ` ${first.path}` : ""}: ${first.message})`;
  return new HttpError(422, `Request validation failed${where}`, {
    code: ErrorCode.VALIDATION_FAILED,
    issues,
  });
}
