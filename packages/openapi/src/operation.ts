/**
 * One route as OpenAPI operations: parameters from the pattern and the params, query, headers
 * and cookies schemas; the request body; the responses per status; the route's detail.
 */
import { STATUS_CODES } from "node:http";
import type { BodyKind, RouteDetail, RouteFileInfo, RouteInfo, RouteSchema } from "@harpia/core";
import type { SchemaComponents } from "./components";
import { type JsonSchema, type SchemaPart, type ToJsonSchema, toJsonSchema } from "./convert";
import { OpenApiError } from "./errors";
import type { PathVariant } from "./paths";

/** The shared 422 response of routes with request schemas. */
export const VALIDATION_RESPONSE = "ValidationFailed";
/** The shared schema of the 422 body. */
export const VALIDATION_PROBLEM = "ValidationProblem";

/** What describing a route needs: the document's components and the user's converter. */
export interface OperationContext {
  readonly components: SchemaComponents;
  readonly toJsonSchema: ToJsonSchema | undefined;
}

/** A route's schemas, converted once and shared by its path variants and methods. */
export interface ConvertedSchemas {
  params?: JsonSchema;
  query?: JsonSchema;
  headers?: JsonSchema;
  cookies?: JsonSchema;
  body?: JsonSchema;
  /** Per status (`"200"` when one schema was given for every 2xx answer). */
  responses?: Array<[status: string, schema: JsonSchema]>;
}

const REQUEST_PARTS = ["params", "query", "headers", "cookies", "body"] as const;

/** Converts every schema of `route`; `label` names the route in errors, `hint` its components. */
export function convertSchemas(
  route: RouteInfo,
  label: string,
  hint: string,
  context: OperationContext,
): ConvertedSchemas {
  const schema = (route.schema ?? {}) as RouteSchema;
  const out: ConvertedSchemas = {};
  const convert = (value: unknown, part: SchemaPart, direction: "input" | "output", name: string) =>
    context.components.adopt(
      toJsonSchema(value, { route: label, part, direction }, context.toJsonSchema),
      name,
      direction === "input" ? "Input" : "",
    );
  for (const part of REQUEST_PARTS) {
    if (schema[part] !== undefined) out[part] = convert(schema[part], part, "input", `${hint}_${part}`);
  }
  const response = schema.response;
  if (response !== undefined) {
    const single = response !== null && typeof response === "object" && "~standard" in response;
    const entries: Array<[string, unknown]> = single ? [["200", response]] : Object.entries(response);
    out.responses = entries.map(([status, value]) => {
      if (!/^[1-5]\d\d$/.test(status))
        throw new OpenApiError(
          `openapi: ${label}: response status "${status}" is not an HTTP status (100 to 599)`,
          label,
        );
      return [status, convert(value, "response", "output", `${hint}_${status}`)];
    });
  }
  return out;
}

/** Whether the route declares any request schema (so it may answer 422). */
export function validatesRequest(schemas: ConvertedSchemas): boolean {
  return REQUEST_PARTS.some((part) => schemas[part] !== undefined);
}

/** The properties of an object schema as `[name, schema, required]`; an error for anything else. */
function propertiesOf(
  schema: JsonSchema,
  part: SchemaPart,
  label: string,
): Array<[string, JsonSchema, boolean]> {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties === undefined) {
    const keys = Object.keys(schema).filter(
      (k) => !["type", "additionalProperties", "description", "title"].includes(k),
    );
    if (keys.length === 0) return [];
    throw new OpenApiError(
      `openapi: ${label}: the ${part} schema must be an object schema with properties to become parameters (got ${JSON.stringify(schema).slice(0, 120)})`,
      label,
    );
  }
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, property]) => [name, property, required.has(name)]);
}

/** A Parameter Object: `description` and `deprecated` lifted from the property's schema. */
function parameter(
  name: string,
  where: string,
  schema: JsonSchema,
  required: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = { name, in: where };
  if (typeof schema.description === "string") out.description = schema.description;
  if (required) out.required = true;
  if (schema.deprecated === true) out.deprecated = true;
  out.schema = schema;
  return out;
}

/** The path parameters of `variant`: the params schema's property, a constraint as `pattern`. */
function pathParameters(variant: PathVariant, schemas: ConvertedSchemas, label: string) {
  const declared = new Map(
    schemas.params === undefined
      ? []
      : propertiesOf(schemas.params, "params", label).map(([n, s]) => [n, s] as const),
  );
  return variant.params.map((param) => {
    const schema: JsonSchema = { ...(declared.get(param.key) ?? { type: "string" }) };
    const stringy = schema.type === undefined || schema.type === "string";
    if (param.pattern !== undefined && stringy && schema.pattern === undefined)
      schema.pattern = `^(?:${param.pattern})$`;
    const out = parameter(param.name, "path", schema, true);
    if (param.wildcard && out.description === undefined)
      out.description = "The rest of the path: may span several segments (`a/b/c`).";
    return out;
  });
}

/** Every parameter of an operation on `variant`. */
function parametersOf(
  variant: PathVariant,
  schemas: ConvertedSchemas,
  label: string,
): Record<string, unknown>[] {
  const out = pathParameters(variant, schemas, label);
  for (const [part, where] of [
    ["query", "query"],
    ["headers", "header"],
    ["cookies", "cookie"],
  ] as const) {
    const schema = schemas[part];
    if (schema === undefined) continue;
    for (const [name, property, required] of propertiesOf(schema, part, label))
      out.push(parameter(name, where, property, required));
  }
  return out;
}

/** `{ description, content }` of one response status. */
function response(status: string, schema: JsonSchema | undefined): Record<string, unknown> {
  const description = STATUS_CODES[Number(status)] ?? `Status ${status}`;
  // 204 and 304 carry no body, whatever the schema says.
  if (schema === undefined || status === "204" || status === "304") return { description };
  // An error may be sent with res.json() or thrown as an HttpError, which core renders as a
  // problem document: both media types carry the declared schema.
  const content: Record<string, unknown> = { "application/json": { schema } };
  if (Number(status) >= 400) content["application/problem+json"] = { schema };
  return { description, content };
}

/** The media type of each body kind core parses (`accepts`). */
const BODY_MEDIA_TYPES: Readonly<Record<BodyKind, string>> = {
  json: "application/json",
  form: "application/x-www-form-urlencoded",
  multipart: "multipart/form-data",
  text: "text/plain",
};

/** What a body of each kind is when the route declares no body schema. */
const ANY_BODY: Readonly<Record<BodyKind, JsonSchema>> = {
  json: {},
  form: { type: "object" },
  multipart: { type: "object" },
  text: { type: "string" },
};

/** Methods whose body core never reads: no request body is documented for them from `accepts` alone. */
const NO_BODY = new Set(["get", "head", "options"]);

/** What a client reads about a file field's rules: how many files, how large, which kinds. */
function fileRules(info: RouteFileInfo): string {
  const parts = [info.multiple ? `Up to ${info.maxFiles} files.` : "One file."];
  if (info.maxSize !== undefined)
    parts.push(`${info.multiple ? "Each at most" : "At most"} ${info.maxSize} bytes.`);
  if (info.types !== undefined) parts.push(`Types: ${info.types.join(", ")}.`);
  if (info.extensions !== undefined) parts.push(`Extensions: ${info.extensions.join(", ")}.`);
  return parts.join(" ");
}

/**
 * The schema of a file field: a binary string (with `contentMediaType` when exactly one type is
 * allowed), an array of them for `upload.multiple` (`minItems: 1` when a file is required).
 */
function fileSchema(info: RouteFileInfo): JsonSchema {
  const file: JsonSchema = { type: "string", format: "binary" };
  const types = info.types ?? [];
  if (types.length === 1 && !types[0]!.endsWith("/*")) file.contentMediaType = types[0];
  if (!info.multiple) return { ...file, description: fileRules(info) };
  const list: JsonSchema = { type: "array", description: fileRules(info), items: file };
  if (info.required) list.minItems = 1;
  list.maxItems = info.maxFiles;
  return list;
}

/**
 * The multipart schema of a route with upload middleware: the body schema's properties (the
 * text fields, `req.body`) and one per file field, required when the upload refuses a request
 * without its file. An object body schema gets them added (a file field replaces a property of
 * the same name: the upload reads it, `req.body` never holds it); any other, or a `$ref`, is
 * combined with them in an `allOf`.
 */
function withFiles(body: JsonSchema | undefined, files: readonly RouteFileInfo[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const info of files) {
    properties[info.field] = fileSchema(info);
    if (info.required) required.push(info.field);
  }
  const own: JsonSchema = { type: "object", properties };
  if (required.length > 0) own.required = required;
  if (body === undefined) return own;
  if (body.type !== "object" || body.$ref !== undefined) return { allOf: [body, own] };
  const merged: JsonSchema = {
    ...body,
    properties: { ...((body.properties as Record<string, JsonSchema> | undefined) ?? {}), ...properties },
  };
  const all = new Set([...(Array.isArray(body.required) ? (body.required as string[]) : []), ...required]);
  if (all.size > 0) merged.required = [...all];
  return merged;
}

/** The `multipart/form-data` Media Type Object: files as properties, their types as `encoding`. */
function multipart(body: JsonSchema | undefined, files: readonly RouteFileInfo[]): Record<string, unknown> {
  if (files.length === 0) return { schema: body ?? ANY_BODY.multipart };
  const media: Record<string, unknown> = { schema: withFiles(body, files) };
  const encoding: Record<string, unknown> = {};
  for (const info of files)
    if (info.types !== undefined && info.types.length > 0)
      encoding[info.field] = { contentType: info.types.join(", ") };
  if (Object.keys(encoding).length > 0) media.encoding = encoding;
  return media;
}

/**
 * The Request Body Object of `route` for `method`: one media type per body kind the route
 * accepts, each with the body schema (a route without `accepts` is documented as JSON, its
 * body schema's only when it has one); under `multipart/form-data`, the file fields of its
 * upload middleware (`route.files`) too. Without a body schema, a route that restricts its body
 * kinds still gets a body, required only when a file is.
 */
function requestBody(
  route: RouteInfo,
  body: JsonSchema | undefined,
  method: string | undefined,
): Record<string, unknown> | undefined {
  const accepts = route.accepts;
  if (accepts === undefined || accepts.length === 0) {
    if (body === undefined) return undefined;
    return { required: true, content: { "application/json": { schema: body } } };
  }
  if (body === undefined && (method === undefined || NO_BODY.has(method))) return undefined;
  const files = accepts.includes("multipart") ? (route.files ?? []) : [];
  const content: Record<string, unknown> = {};
  for (const kind of accepts)
    content[BODY_MEDIA_TYPES[kind]] =
      kind === "multipart" ? multipart(body, files) : { schema: body ?? ANY_BODY[kind] };
  const required = body !== undefined || files.some((info) => info.required);
  return required ? { required: true, content } : { content };
}

/** The Operation Object of `route` at `variant` (its operationId decided by the caller). */
export function operation(
  route: RouteInfo,
  variant: PathVariant,
  schemas: ConvertedSchemas,
  operationId: string,
  label: string,
  method?: string,
): Record<string, unknown> {
  const detail: RouteDetail = route.detail ?? {};
  const out: Record<string, unknown> = {};
  if (detail.tags !== undefined && detail.tags.length > 0) out.tags = [...new Set(detail.tags)];
  if (detail.summary !== undefined) out.summary = detail.summary;
  if (detail.description !== undefined) out.description = detail.description;
  out.operationId = operationId;
  const parameters = parametersOf(variant, schemas, label);
  if (parameters.length > 0) out.parameters = parameters;
  const body = requestBody(route, schemas.body, method);
  if (body !== undefined) out.requestBody = body;
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of schemas.responses ?? []) responses[status] = response(status, schema);
  // A success the route did not describe (no schema, or only error statuses) is still listed.
  if (!Object.keys(responses).some((status) => status.startsWith("2")))
    responses["2XX"] = { description: "Success (no response schema declared)" };
  if (validatesRequest(schemas) && responses["422"] === undefined)
    responses["422"] = { $ref: `#/components/responses/${VALIDATION_RESPONSE}` };
  out.responses = responses;
  if (detail.deprecated === true) out.deprecated = true;
  if (detail.security !== undefined) out.security = detail.security;
  return out;
}

/** The shared `ValidationProblem` schema: the 422 problem document core sends (RFC 9457). */
export const validationProblemSchema: JsonSchema = {
  type: "object",
  description: "An RFC 9457 problem document: the request did not match the route's schemas.",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer", const: 422 },
    code: { type: "string", const: "VALIDATION_FAILED" },
    detail: { type: "string" },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: {
          in: { type: "string", enum: ["params", "query", "headers", "cookies", "body"] },
          path: { type: "string", description: 'Where in that part: "/author/name", "" for the whole.' },
          message: { type: "string" },
        },
        required: ["in", "path", "message"],
      },
    },
  },
  required: ["title", "status", "code", "errors"],
};
