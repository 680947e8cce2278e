/**
 * @harpia/openapi — an OpenAPI 3.1 document built from the routes' schemas and detail
 * (`app.routeTable()`), served at `/openapi.json`, and an API reference page (Swagger UI,
 * served from the package, no CDN) at `/docs`.
 */
export type { ConvertContext, JsonSchema, SchemaPart, ToJsonSchema } from "./convert";
export { buildOpenApiDocument, OPENAPI_VERSION, type OpenApiDocument } from "./document";
export { OpenApiError } from "./errors";
export type {
  DocumentOptions,
  OpenApiInfo,
  OpenApiOptions,
  OpenApiServer,
  OpenApiTag,
  SecurityScheme,
} from "./options";
export { openapi, PLUGIN_NAME } from "./plugin";
