import { compileErrors, validate } from "@readme/openapi-parser";
import type { OpenApiDocument } from "../../src";

/** Validates `document` with @readme/openapi-parser (OpenAPI 3.1 schema and rules); throws its report. */
export async function expectValidOpenApi(document: OpenApiDocument): Promise<void> {
  const copy = structuredClone(document) as never;
  const result = await validate(copy, { validate: { errors: { colorize: false } } } as never);
  if (!result.valid) throw new Error(`invalid OpenAPI document:\n${compileErrors(result)}`);
}
