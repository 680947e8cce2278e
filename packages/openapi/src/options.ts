import type { RouteInfo } from "@harpia/core";
import type { ToJsonSchema } from "./convert";

/** The document's `info` (OpenAPI 3.1 Info Object). */
export interface OpenApiInfo {
  title: string;
  version: string;
  summary?: string;
  description?: string;
  termsOfService?: string;
  contact?: { name?: string; url?: string; email?: string };
  license?: { name: string; identifier?: string; url?: string };
  [extension: `x-${string}`]: unknown;
}

/** A server the API is reached at (OpenAPI Server Object). */
export interface OpenApiServer {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
}

/** A tag's description, shown by documentation pages (OpenAPI Tag Object). */
export interface OpenApiTag {
  name: string;
  description?: string;
  externalDocs?: { url: string; description?: string };
}

/** A security scheme (OpenAPI Security Scheme Object), e.g. `{ type: "http", scheme: "bearer" }`. */
export type SecurityScheme = { type: "apiKey" | "http" | "mutualTLS" | "oauth2" | "openIdConnect" } & Record<
  string,
  unknown
>;

/** What {@link buildOpenApiDocument} needs besides the route table. */
export interface DocumentOptions {
  /** Title and version of the API (default `{ title: "API", version: "0.0.0" }`). */
  info?: OpenApiInfo;
  /** Where the API is served (default: none, so tools use the document's own origin). */
  servers?: OpenApiServer[];
  /** Descriptions of the tags routes use (`detail.tags`); tags not listed are added by name. */
  tags?: OpenApiTag[];
  /** `components.securitySchemes`: the names routes use in `detail.security`. */
  securitySchemes?: Record<string, SecurityScheme>;
  /** Security requirements of every operation unless a route sets its own `detail.security`. */
  security?: Array<Record<string, string[]>>;
  /**
   * Converts a route schema to JSON Schema, tried before the built-in rules; return
   * `undefined` to let them try. For valibot: `(schema) => toJsonSchema(schema as never)` from
   * `@valibot/to-json-schema` (guard with `schema["~standard"].vendor === "valibot"` when
   * routes mix libraries).
   */
  toJsonSchema?: ToJsonSchema;
  /**
   * Which routes the document describes (default: every route not hidden with `detail.hide`),
   * e.g. `(route) => route.path.startsWith("/api/")` to leave HTML pages out.
   */
  include?: (route: RouteInfo) => boolean;
}

/** Options of `openapi()`: the document's, and where it and the reference page are served. */
export interface OpenApiOptions extends DocumentOptions {
  /** Where the JSON document is served (default `"/openapi.json"`). */
  path?: string;
  /** Where the API reference page (Swagger UI) is served (default `"/docs"`; `false`: none). */
  docs?: string | false;
}

/** The document options, checked. */
export interface ResolvedDocumentOptions {
  readonly info: OpenApiInfo;
  readonly servers: OpenApiServer[] | undefined;
  readonly tags: OpenApiTag[];
  readonly securitySchemes: Record<string, SecurityScheme>;
  readonly security: Array<Record<string, string[]>> | undefined;
  readonly toJsonSchema: ToJsonSchema | undefined;
  readonly include: ((route: RouteInfo) => boolean) | undefined;
}

/** The plugin's options, checked. */
export interface ResolvedOptions extends ResolvedDocumentOptions {
  readonly path: string;
  readonly docs: string | false;
}

const DOCUMENT_KEYS = ["info", "servers", "tags", "securitySchemes", "security", "toJsonSchema", "include"];
const PLUGIN_KEYS = [...DOCUMENT_KEYS, "path", "docs"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function fail(where: string, message: string): never {
  throw new TypeError(`${where}: ${message}`);
}

/** A security requirement list: `[{ name: ["scope"] }]`. */
function checkSecurity(value: unknown, where: string): Array<Record<string, string[]>> {
  if (!Array.isArray(value)) fail(where, "must be a list of requirements, e.g. [{ bearer: [] }]");
  for (const requirement of value) {
    if (!isRecord(requirement) || Object.values(requirement).some((s) => !Array.isArray(s)))
      fail(where, "each requirement maps scheme names to lists of scopes, e.g. { bearer: [] }");
  }
  return value as Array<Record<string, string[]>>;
}

/** Checks the document options (a `TypeError` names the first bad one). */
export function resolveDocumentOptions(
  options: unknown,
  caller = "buildOpenApiDocument()",
  keys = DOCUMENT_KEYS,
) {
  if (options === undefined) options = {};
  if (!isRecord(options)) fail(caller, "takes an options object");
  for (const key of Object.keys(options))
    if (!keys.includes(key)) fail(caller, `unknown option "${key}" (expected ${keys.join(", ")})`);
  const {
    info = { title: "API", version: "0.0.0" },
    servers,
    tags = [],
    securitySchemes = {},
    security,
    toJsonSchema,
    include,
  } = options as DocumentOptions;
  if (!isRecord(info) || typeof info.title !== "string" || typeof info.version !== "string")
    fail(`${caller} option "info"`, "must be { title: string, version: string, ... }");
  if (
    servers !== undefined &&
    (!Array.isArray(servers) || servers.some((s) => !isRecord(s) || typeof s.url !== "string"))
  )
    fail(`${caller} option "servers"`, "must be a list of { url: string, description?: string }");
  if (!Array.isArray(tags) || tags.some((t) => !isRecord(t) || typeof t.name !== "string"))
    fail(`${caller} option "tags"`, "must be a list of { name: string, description?: string }");
  if (
    !isRecord(securitySchemes) ||
    Object.values(securitySchemes).some((s) => !isRecord(s) || typeof s.type !== "string")
  )
    fail(
      `${caller} option "securitySchemes"`,
      'must map names to schemes, e.g. { bearer: { type: "http", scheme: "bearer" } }',
    );
  if (security !== undefined) checkSecurity(security, `${caller} option "security"`);
  if (toJsonSchema !== undefined && typeof toJsonSchema !== "function")
    fail(`${caller} option "toJsonSchema"`, `must be a function, got ${typeof toJsonSchema}`);
  if (include !== undefined && typeof include !== "function")
    fail(`${caller} option "include"`, `must be a function of the route, got ${typeof include}`);
  const resolved: ResolvedDocumentOptions = {
    include,
    info,
    servers,
    tags,
    securitySchemes,
    security,
    toJsonSchema,
  };
  for (const name of (security ?? []).flatMap((r) => Object.keys(r)))
    if (!(name in securitySchemes))
      fail(`${caller} option "security"`, `names "${name}", which securitySchemes does not define`);
  return resolved;
}

/** A route path given as an option: starts with `/`, no parameters. */
function checkPath(value: unknown, option: string): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[:*?()\s]/.test(value))
    fail(
      `openapi() option "${option}"`,
      `must be a path such as "/${option === "path" ? "openapi.json" : "docs"}" (no parameters), got ${JSON.stringify(value)}`,
    );
  return value.length > 1 && value.endsWith("/") ? value.slice(0, -1) : value;
}

/** Checks `openapi(options)` (a `TypeError` names the first bad option). */
export function resolveOptions(options: OpenApiOptions | undefined): ResolvedOptions {
  const document = resolveDocumentOptions(options, "openapi()", PLUGIN_KEYS);
  const { path = "/openapi.json", docs = "/docs" } = options ?? {};
  const resolved: ResolvedOptions = {
    ...document,
    path: checkPath(path, "path"),
    docs: docs === false ? false : checkPath(docs, "docs"),
  };
  if (
    resolved.docs !== false &&
    (resolved.path === resolved.docs || resolved.path.startsWith(`${resolved.docs}/`))
  )
    fail('openapi() option "docs"', `must not contain the document's path ${resolved.path}`);
  return resolved;
}
