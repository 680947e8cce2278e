/**
 * `buildOpenApiDocument(routeTable, options)`: an OpenAPI 3.1 document from `app.routeTable()`,
 * pure (no server, no app): the plugin serves it, the typed client's generator reads it.
 */

import type { RouteInfo, WebSocketRouteSchema } from "@harpia/core";
import { SchemaComponents } from "./components";
import { toJsonSchema } from "./convert";
import { OpenApiError } from "./errors";
import {
  type ConvertedSchemas,
  convertSchemas,
  type OperationContext,
  operation,
  VALIDATION_PROBLEM,
  VALIDATION_RESPONSE,
  validationProblemSchema,
} from "./operation";
import { type DocumentOptions, resolveDocumentOptions } from "./options";
import { operationIdOf, pathVariants } from "./paths";

/** An OpenAPI 3.1 document, as built by {@link buildOpenApiDocument} (plain JSON data). */
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: Array<Record<string, unknown>>;
  tags?: Array<Record<string, unknown>>;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: {
    schemas?: Record<string, Record<string, unknown>>;
    responses?: Record<string, Record<string, unknown>>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
  /** WebSocket routes (not operations in OpenAPI): path → summary, parameters, message schema. */
  "x-websockets"?: Record<string, Record<string, unknown>>;
}

/** The OpenAPI version written in documents. */
export const OPENAPI_VERSION = "3.1.1";

/** Methods OpenAPI 3.1 has fields for; routes on any other method are left out. */
const OPENAPI_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
/** What an `app.all()` route is listed as (unless the path has its own route for the method). */
const ALL_METHODS = ["get", "put", "post", "delete", "patch"];

/** The methods a route is listed under. */
function methodsOf(route: RouteInfo, explicit: Set<string>): string[] {
  const method = route.method.toLowerCase();
  if (method === "all") return ALL_METHODS.filter((m) => !explicit.has(`${m} ${route.path}`));
  return OPENAPI_METHODS.has(method) ? [method] : [];
}

/** `getBooksById` → `GetBooksById`: the prefix of a route's generated component names. */
function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/**
 * Builds the OpenAPI 3.1 document of `routes` (`app.routeTable()`). Hidden routes
 * (`detail.hide`) are left out; WebSocket routes go to `x-websockets`. A schema that cannot be
 * turned into JSON Schema, a duplicate `operationId` or an unknown security scheme throws an
 * {@link OpenApiError} naming the route.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { buildOpenApiDocument } from "@harpia/openapi";
 * import { z } from "zod";
 *
 * const app = harpia();
 * app.get("/books/:id", { schema: { response: z.object({ title: z.string() }) } }, () => ({ title: "Dune" }));
 * const document = buildOpenApiDocument(app.routeTable(), { info: { title: "Books", version: "1.0.0" } });
 */
export function buildOpenApiDocument(
  routes: readonly RouteInfo[],
  options?: DocumentOptions,
): OpenApiDocument {
  const resolved = resolveDocumentOptions(options);
  const components = new SchemaComponents();
  const context: OperationContext = { components, toJsonSchema: resolved.toJsonSchema };
  const explicit = new Set(
    routes
      .filter((r) => r.kind === "http" && r.method !== "ALL")
      .map((r) => `${r.method.toLowerCase()} ${r.path}`),
  );
  const paths: OpenApiDocument["paths"] = {};
  const websockets: Record<string, Record<string, unknown>> = {};
  const ownerOfId = new Map<string, string>();
  const tagNames = new Set(resolved.tags.map((t) => t.name));
  const seenTags: string[] = [];
  let validation = false;

  const claimId = (id: string, label: string, given: boolean): string => {
    if (given && ownerOfId.has(id) && ownerOfId.get(id) !== label)
      throw new OpenApiError(
        `openapi: ${label}: operationId "${id}" is already used by ${ownerOfId.get(id)}`,
        label,
      );
    let unique = id;
    for (let n = 2; ownerOfId.has(unique); n++) unique = `${id}${n}`;
    ownerOfId.set(unique, label);
    return unique;
  };

  for (const route of routes) {
    const detail = route.detail ?? {};
    if (detail.hide === true || (resolved.include !== undefined && !resolved.include(route))) continue;
    const label = route.kind === "ws" ? `WS ${route.path}` : `${route.method} ${route.path}`;
    for (const name of (detail.security ?? []).flatMap((r) => Object.keys(r)))
      if (!(name in resolved.securitySchemes))
        throw new OpenApiError(
          `openapi: ${label}: detail.security names "${name}", which openapi({ securitySchemes }) does not define`,
          label,
        );
    for (const tag of detail.tags ?? [])
      if (!tagNames.has(tag) && !seenTags.includes(tag)) seenTags.push(tag);
    const variants = pathVariants(route);
    const longest = variants[variants.length - 1]!;
    if (route.kind === "ws") {
      websockets[longest.path] = websocketEntry(route, context, label);
      continue;
    }
    const methods = methodsOf(route, explicit);
    if (methods.length === 0) continue;
    const hint = pascal(detail.operationId ?? operationIdOf(methods[0]!, longest.path));
    const schemas: ConvertedSchemas = convertSchemas(route, label, hint, context);
    for (const variant of variants) {
      for (const method of methods) {
        paths[variant.path] ??= {};
        const item = paths[variant.path]!;
        if (item[method] !== undefined) continue; // the first route registered for it answers
        const id = claimId(
          detail.operationId ?? operationIdOf(method, variant.path),
          label,
          detail.operationId !== undefined,
        );
        const op = operation(route, variant, schemas, id, label, method);
        if (
          (op.responses as Record<string, { $ref?: string }>)["422"]?.$ref?.endsWith(
            `/${VALIDATION_RESPONSE}`,
          )
        )
          validation = true;
        item[method] = op;
      }
    }
  }

  const document: OpenApiDocument = {
    openapi: OPENAPI_VERSION,
    info: { ...resolved.info },
    paths,
    components: {},
  };
  if (resolved.servers !== undefined) document.servers = resolved.servers.map((s) => ({ ...s }));
  const tags = [...resolved.tags.map((t) => ({ ...t })), ...seenTags.map((name) => ({ name }))];
  if (tags.length > 0) document.tags = tags;
  if (resolved.security !== undefined) document.security = resolved.security;
  if (validation) {
    components.schemas[VALIDATION_PROBLEM] ??= validationProblemSchema;
    document.components.responses = {
      [VALIDATION_RESPONSE]: {
        description: "The request did not match the route's schemas: every problem is listed in `errors`.",
        content: {
          "application/problem+json": { schema: { $ref: `#/components/schemas/${VALIDATION_PROBLEM}` } },
        },
      },
    };
  }
  if (Object.keys(components.schemas).length > 0) document.components.schemas = components.schemas;
  if (Object.keys(resolved.securitySchemes).length > 0)
    document.components.securitySchemes = resolved.securitySchemes;
  if (Object.keys(websockets).length > 0) document["x-websockets"] = websockets;
  return document;
}

/** A WebSocket route's entry in `x-websockets`. */
function websocketEntry(route: RouteInfo, context: OperationContext, label: string): Record<string, unknown> {
  const detail = route.detail ?? {};
  const schema = (route.schema ?? {}) as WebSocketRouteSchema;
  const hint = pascal(detail.operationId ?? operationIdOf("ws", route.path));
  const { message, ...handshake } = schema;
  const converted = convertSchemas({ ...route, schema: handshake }, label, hint, context);
  const entry: Record<string, unknown> = {};
  for (const key of ["summary", "description", "tags", "deprecated"] as const)
    if (detail[key] !== undefined) entry[key] = detail[key];
  const op = operation(route, pathVariants(route).at(-1)!, converted, hint, label);
  if (op.parameters !== undefined) entry.parameters = op.parameters;
  if (message !== undefined) {
    const json = toJsonSchema(
      message,
      { route: label, part: "message", direction: "input" },
      context.toJsonSchema,
    );
    entry.message = context.components.adopt(json, `${hint}_message`);
  }
  return entry;
}
