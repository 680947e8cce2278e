/**
 * Route schemas to JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1): the user's
 * converter first, then Standard JSON Schema (`~standard.jsonSchema`, zod 4.2+, arktype), an
 * arktype-style `toJsonSchema()` method, or a plain JSON Schema object given as is.
 */
import { OpenApiError } from "./errors";

/** A JSON Schema object (draft 2020-12). */
export type JsonSchema = { [keyword: string]: unknown };

/** Which part of a route a schema describes. */
export type SchemaPart = "params" | "query" | "headers" | "cookies" | "body" | "response" | "message";

/** What a converter is told about the schema it is asked to convert. */
export interface ConvertContext {
  /** The route, as `"POST /books"` (`"WS /chat"` for a WebSocket route). */
  readonly route: string;
  /** The part of the request or response the schema describes. */
  readonly part: SchemaPart;
  /** `"input"` for what clients send (requests), `"output"` for what they receive (responses). */
  readonly direction: "input" | "output";
}

/**
 * A converter given as `openapi({ toJsonSchema })`: the JSON Schema of `schema`, or `undefined`
 * to let the built-in rules try (Standard JSON Schema, plain JSON Schema).
 */
export type ToJsonSchema = (schema: unknown, context: ConvertContext) => object | boolean | undefined;

/** Keywords that mark an object without `~standard` as a plain JSON Schema. */
const KEYWORDS = new Set([
  "type",
  "properties",
  "items",
  "prefixItems",
  "$ref",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "enum",
  "const",
  "additionalProperties",
  "patternProperties",
  "required",
  "format",
  "pattern",
  "$defs",
  "definitions",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "if",
  "then",
  "else",
  "$schema",
  "description",
  "title",
  "default",
  "examples",
  "contentMediaType",
  "nullable",
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A plain JSON Schema: an object of JSON Schema keywords (or `{}`, or a boolean schema). */
export function isPlainJsonSchema(value: unknown): value is JsonSchema | boolean {
  if (typeof value === "boolean") return true;
  if (!isRecord(value) || "~standard" in value) return false;
  const keys = Object.keys(value);
  return keys.length === 0 || keys.some((key) => KEYWORDS.has(key) || key.startsWith("x-"));
}

/** A JSON-only copy: what a converter returns is never shared with the schema's own objects. */
function settle(result: unknown, context: ConvertContext, from: string): JsonSchema {
  if (result === true) return {};
  if (result === false) return { not: {} };
  if (!isRecord(result))
    throw new OpenApiError(
      `openapi: ${context.route}: ${from} returned ${result === null ? "null" : typeof result} for the ${context.part} schema, not a JSON Schema object`,
      context.route,
    );
  return JSON.parse(JSON.stringify(result)) as JsonSchema;
}

/** Runs `convert`, turning what it throws into an error naming the route and the part. */
function attempt(convert: () => unknown, context: ConvertContext, from: string): JsonSchema {
  let result: unknown;
  try {
    result = convert();
  } catch (error) {
    throw new OpenApiError(
      `openapi: ${context.route}: the ${context.part} schema cannot be turned into JSON Schema (${from}): ${(error as Error)?.message ?? String(error)}`,
      context.route,
      { cause: error },
    );
  }
  return settle(result, context, from);
}

/**
 * The JSON Schema of `schema` for `context`; an {@link OpenApiError} naming the route and the
 * part when no rule applies or the library refuses (a `Date` in zod, a transform...).
 */
export function toJsonSchema(schema: unknown, context: ConvertContext, custom?: ToJsonSchema): JsonSchema {
  if (custom !== undefined) {
    let result: unknown;
    try {
      result = custom(schema, context);
    } catch (error) {
      throw new OpenApiError(
        `openapi: ${context.route}: toJsonSchema threw on the ${context.part} schema: ${(error as Error)?.message ?? String(error)}`,
        context.route,
        { cause: error },
      );
    }
    if (result !== undefined) return settle(result, context, "toJsonSchema");
  }
  const standard =
    isRecord(schema) || typeof schema === "function" ? (schema as any)["~standard"] : undefined;
  const generator = isRecord(standard)
    ? (standard.jsonSchema as Record<string, unknown> | undefined)
    : undefined;
  if (isRecord(generator) && typeof generator[context.direction] === "function") {
    const direction = generator[context.direction] as (options: { target: string }) => unknown;
    return attempt(
      () => direction.call(generator, { target: "draft-2020-12" }),
      context,
      `${String(standard.vendor)}'s Standard JSON Schema`,
    );
  }
  const method = (schema as { toJsonSchema?: unknown } | null)?.toJsonSchema;
  if (standard !== undefined && typeof method === "function")
    return attempt(() => method.call(schema), context, `${String(standard.vendor)}'s toJsonSchema()`);
  if (standard === undefined && isPlainJsonSchema(schema))
    return settle(schema, context, "a plain JSON Schema");
  const what = isRecord(standard) ? `a ${String(standard.vendor)} schema` : "not a schema";
  throw new OpenApiError(
    `openapi: ${context.route}: the ${context.part} schema (${what}) has no JSON Schema: give openapi({ toJsonSchema }) a converter (for valibot: toJsonSchema from "@valibot/to-json-schema")`,
    context.route,
  );
}
