/**
 * An OpenAPI 3.1 (or 3.0) document → the source of `routes.gen.ts`: a flat `interface Routes`
 * keyed by `"METHOD /path"` (`{id}` written `:id`), one type alias per `components.schemas`
 * entry, and nothing else for the checker to compute.
 */
import type { BodyKind } from "../body";
import { type JsonSchema, jsDoc, propertyKey, type SchemaContext, schemaType } from "./schema-type";

type Node = Record<string, any>;

/** Options of {@link generateRoutes}. */
export interface GenerateOptions {
  /** Where the client's types are imported from (default `"@harpia/client"`). */
  importFrom?: string;
  /** First line of the file (default: a "generated, do not edit" comment). */
  header?: string;
}

/** The HTTP methods an OpenAPI path item can hold, in the order routes are written. */
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Names the generated file defines or imports, which a schema cannot take. */
const RESERVED = new Set([
  "Routes",
  "Success",
  "Failure",
  "Unexpected",
  "ErrorStatus",
  "SuccessStatus",
  "ClientErrorStatus",
  "ServerErrorStatus",
  "RouteAccepts",
]);

/** A component schema's name as a TypeScript identifier ("book-list" → "BookList"). */
export function typeNameOf(name: string): string {
  let id = name
    .split(/[^A-Za-z0-9_$]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
  if (!id || /^\d/.test(id)) id = `Schema${id}`;
  return RESERVED.has(id) ? `${id}Schema` : id;
}

/** Reads a local `$ref` ("#/components/schemas/Book") in the document. */
function pointer(document: Node, ref: string): any {
  if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported, got "${ref}"`);
  let node: any = document;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = node && typeof node === "object" && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  if (node === undefined) throw new Error(`$ref "${ref}" does not resolve in the document`);
  return node;
}

/** Follows `$ref`s of parameters, request bodies and responses. */
function deref(document: Node, node: any): any {
  const seen = new Set<string>();
  while (node && typeof node === "object" && typeof node.$ref === "string") {
    if (seen.has(node.$ref)) throw new Error(`$ref cycle at "${node.$ref}"`);
    seen.add(node.$ref);
    node = pointer(document, node.$ref);
  }
  return node;
}

/** The route key's path: "/books/{id}" → "/books/:id". */
export function routePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => `:${name}`);
}

interface Emitter {
  document: Node;
  names: Map<string, string>;
  used: Set<string>;
}

function context(em: Emitter, direction: SchemaContext["direction"]): SchemaContext {
  return {
    direction,
    refName: (ref) => em.names.get(ref),
    resolve: (ref) => pointer(em.document, ref) as JsonSchema,
  };
}

/** The body kind core gives a request media type, if it is one of the four it parses. */
function bodyKindOf(type: string): BodyKind | undefined {
  if (/^application\/(?:[\w.+-]+\+)?json$/.test(type) || type === "*/*") return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  if (type === "multipart/form-data") return "multipart";
  if (type.startsWith("text/")) return "text";
  return undefined;
}

const mediaOf = (media: string) => media.split(";")[0]!.trim().toLowerCase();

/**
 * The body kinds of a request body that takes no JSON (for the generated `accepts`), or
 * undefined when it takes JSON or none of core's kinds (sent JSON / raw by default).
 */
function acceptsOf(content: Node | undefined): BodyKind[] | undefined {
  if (!content || typeof content !== "object") return undefined;
  const kinds = new Set<BodyKind>();
  for (const media of Object.keys(content)) {
    const kind = bodyKindOf(mediaOf(media));
    if (kind === "json") return undefined;
    if (kind) kinds.add(kind);
  }
  return kinds.size > 0 ? [...kinds] : undefined;
}

/**
 * The type of one content map (request body or response): JSON schema, text, form or binary.
 * A form request body is its schema's type or `URLSearchParams`; a multipart one its schema's
 * type, open to more members (the files, which a Harpia schema does not list), or `FormData`.
 */
function contentType(
  em: Emitter,
  content: Node | undefined,
  direction: SchemaContext["direction"],
  depth: number,
) {
  if (!content || Object.keys(content).length === 0) return undefined;
  const types = Object.entries<Node>(content).flatMap(([media, item]) => {
    const type = mediaOf(media);
    const kind = bodyKindOf(type);
    if (kind === "json") return [schemaType(item?.schema, context(em, direction), depth)];
    if (kind === "multipart") {
      if (direction !== "request") return ["unknown"];
      // The schema lists the files too (@harpia/openapi adds an upload's fields as binary
      // members), so it is the whole body: a misspelt field is a type error.
      return [schemaType(item?.schema, context(em, direction), depth), "FormData"];
    }
    if (kind === "form")
      return direction === "request"
        ? [schemaType(item?.schema, context(em, direction), depth), "URLSearchParams"]
        : ["string"];
    if (kind === "text" || type.endsWith("+xml") || type === "application/xml") return ["string"];
    return [direction === "request" ? "Blob | ArrayBuffer | ReadableStream" : "Blob"];
  });
  const unique = [...new Set(types)];
  return unique.includes("unknown") ? "unknown" : unique.join(" | ");
}

const pad = (depth: number) => "  ".repeat(depth);

/** `{ name: type; ... }` of the parameters found `in` one place, and whether any is required. */
function parameterObject(em: Emitter, params: Node[], where: string, depth: number) {
  const list = params.filter((p) => p.in === where);
  if (where === "header")
    // OpenAPI ignores these three as header parameters; the client sets them itself.
    for (let i = list.length - 1; i >= 0; i--)
      if (["accept", "content-type", "authorization"].includes(String(list[i]!.name).toLowerCase()))
        list.splice(i, 1);
  if (list.length === 0) return undefined;
  const ctx = context(em, "request");
  const members = list.map((p) => {
    const required = where === "path" || p.required === true;
    const schema = p.schema ?? contentSchema(p.content);
    return `${jsDoc(p, pad(depth + 1))}${pad(depth + 1)}${propertyKey(where === "header" ? String(p.name).toLowerCase() : p.name)}${required ? "" : "?"}: ${schemaType(schema, ctx, depth + 1)};`;
  });
  return {
    type: `{\n${members.join("\n")}\n${pad(depth)}}`,
    required: list.some((p) => where === "path" || p.required),
  };
}

function contentSchema(content: Node | undefined): JsonSchema | undefined {
  const first = content && Object.values<Node>(content)[0];
  return first?.schema;
}

/** Every parameter of an operation: the path item's, overridden by the operation's (same name and place). */
function parametersOf(em: Emitter, item: Node, op: Node): Node[] {
  const byKey = new Map<string, Node>();
  for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const p = deref(em.document, raw);
    if (p && typeof p === "object") byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}

function inputType(em: Emitter, item: Node, op: Node, depth: number): string {
  const params = parametersOf(em, item, op);
  const members: string[] = [];
  for (const [where, field] of [
    ["path", "params"],
    ["query", "query"],
    ["header", "headers"],
  ] as const) {
    const object = parameterObject(em, params, where, depth + 1);
    if (object) members.push(`${pad(depth + 1)}${field}${object.required ? "" : "?"}: ${object.type};`);
  }
  const body = deref(em.document, op.requestBody);
  const bodyType = contentType(em, body?.content, "request", depth + 1);
  if (bodyType) members.push(`${pad(depth + 1)}body${body.required ? "" : "?"}: ${bodyType};`);
  return members.length === 0 ? "{}" : `{\n${members.join("\n")}\n${pad(depth)}}`;
}

/** The client's status aliases of the `2XX`, `4XX` and `5XX` ranges. */
const RANGE_ALIASES: Record<string, string> = {
  "2": "SuccessStatus",
  "4": "ClientErrorStatus",
  "5": "ServerErrorStatus",
};

/**
 * The status type a response key stands for: "404" → `404`; "4XX" → `ClientErrorStatus`, less
 * the statuses the operation declares on their own (`Exclude<ClientErrorStatus, 404>`);
 * undefined for "default" and ranges the client has no alias for.
 */
function statusType(em: Emitter, key: string, explicit: number[]): string | undefined {
  if (/^\d{3}$/.test(key)) return key;
  const digit = /^([245])XX$/i.exec(key)?.[1];
  if (!digit) return undefined;
  const alias = RANGE_ALIASES[digit]!;
  em.used.add(alias);
  const inRange = explicit.filter((s) => Math.floor(s / 100) === Number(digit));
  return inRange.length ? `Exclude<${alias}, ${inRange.join(" | ")}>` : alias;
}

function responseType(em: Emitter, op: Node, depth: number): string {
  const responses = Object.entries<Node>(op.responses ?? {});
  const explicit = responses.flatMap(([key]) => (/^\d{3}$/.test(key) ? [Number(key)] : []));
  const successes: string[] = [];
  const failures: string[] = [];
  const declared: string[] = [];
  let fallback: string | undefined;
  for (const [key, raw] of responses) {
    const response = deref(em.document, raw);
    const empty = ["204", "205", "304"].includes(key) ? "undefined" : "unknown";
    const data = contentType(em, response?.content, "response", depth) ?? empty;
    if (key === "default") {
      fallback = data;
      continue;
    }
    const status = statusType(em, key, explicit);
    if (!status || key.startsWith("1") || (key.startsWith("3") && key !== "304")) continue; // fetch follows redirects
    if (key.startsWith("2")) {
      em.used.add("Success");
      successes.push(`Success<${status}, ${data}>`);
    } else {
      em.used.add("Failure");
      declared.push(status);
      failures.push(`Failure<${status}, ${data}>`);
    }
  }
  if (successes.length === 0) {
    em.used.add("Success").add("SuccessStatus");
    successes.push("Success<SuccessStatus, unknown>");
  }
  const others = declared.length > 0 ? declared.join(" | ") : undefined;
  if (fallback !== undefined) {
    em.used.add("Failure").add("ErrorStatus");
    failures.push(`Failure<${others ? `Exclude<ErrorStatus, ${others}>` : "ErrorStatus"}, ${fallback}>`);
  } else {
    em.used.add("Unexpected");
    failures.push(others ? `Unexpected<${others}>` : "Unexpected");
  }
  return [...successes, ...failures].join(" | ");
}

function operationDoc(op: Node, indent: string): string {
  const lines: string[] = [];
  if (op.summary) lines.push(String(op.summary));
  if (op.description && op.description !== op.summary) lines.push(...String(op.description).split("\n"));
  if (op.operationId) lines.push(`@operationId ${op.operationId}`);
  if (op.deprecated === true) lines.push("@deprecated");
  if (lines.length === 0) return "";
  const safe = lines.map((line) => line.replaceAll("*/", "*\\/"));
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((line) => `${indent} * ${line}`.trimEnd()).join("\n")}\n${indent} */\n`;
}

/** Checks that the value looks like an OpenAPI 3.x document; throws a clear error if not. */
export function assertDocument(document: unknown): asserts document is Node {
  if (!document || typeof document !== "object" || Array.isArray(document))
    throw new TypeError("The OpenAPI document must be a JSON object");
  const version = (document as Node).openapi;
  if (typeof version !== "string" || !/^3\.[01]\./.test(version))
    throw new TypeError(`Expected an OpenAPI 3.0 or 3.1 document, got openapi: ${JSON.stringify(version)}`);
  const paths = (document as Node).paths;
  if (paths !== undefined && (paths === null || typeof paths !== "object"))
    throw new TypeError("The document's paths must be an object");
}

/** The source of `routes.gen.ts` for an OpenAPI document. */
export function generateRoutes(document: unknown, options: GenerateOptions = {}): string {
  assertDocument(document);
  const em: Emitter = { document, names: new Map(), used: new Set() };
  const taken = new Set<string>();
  for (const name of Object.keys(document.components?.schemas ?? {})) {
    let id = typeNameOf(name);
    for (let n = 2; taken.has(id); n++) id = `${typeNameOf(name)}${n}`;
    taken.add(id);
    em.names.set(`#/components/schemas/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`, id);
  }
  const routes: string[] = [];
  const accepts: string[] = [];
  const keys = new Set<string>();
  for (const [path, rawItem] of Object.entries<Node>(document.paths ?? {})) {
    const item = deref(document, rawItem);
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op || typeof op !== "object") continue;
      const key = `${method.toUpperCase()} ${routePath(path)}`;
      if (keys.has(key)) continue; // "/a/{b}" and "/a/{c}" name the same route
      keys.add(key);
      const kinds = acceptsOf(deref(document, op.requestBody)?.content);
      if (kinds) accepts.push(`  ${JSON.stringify(key)}: ${JSON.stringify(kinds).replaceAll(",", ", ")},`);
      routes.push(
        `${operationDoc(op, "  ")}  ${JSON.stringify(key)}: {\n` +
          `    input: ${inputType(em, item, op, 2)};\n` +
          `    response: ${responseType(em, op, 2)};\n  };`,
      );
    }
  }
  const schemas = Object.entries<JsonSchema>(document.components?.schemas ?? {}).map(([name, schema]) => {
    const id = em.names.get(`#/components/schemas/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`)!;
    // Shared schemas keep readOnly and writeOnly members (one type serves requests and answers).
    return `${jsDoc(schema, "")}export type ${id} = ${schemaType(schema, context(em, "shared"), 0)};`;
  });
  em.used.add("RouteAccepts");
  const imports = [...em.used].sort();
  const title = document.info?.title
    ? `${document.info.title}${document.info.version ? ` ${document.info.version}` : ""}`
    : "";
  return [
    options.header ??
      "// Generated by harpia-client from an OpenAPI document: do not edit (run `harpia-client generate`).",
    imports.length
      ? `import type { ${imports.join(", ")} } from "${options.importFrom ?? "@harpia/client"}";`
      : "",
    "",
    `/** The routes of ${title ? JSON.stringify(title).slice(1, -1) : "the API"}, by \`"METHOD /path"\`. */`,
    `export interface Routes {${routes.length ? `\n${routes.join("\n")}\n` : ""}}`,
    "",
    "/** How the routes that take no JSON body are sent: `createClient<Routes>({ accepts })`. */",
    `export const accepts: RouteAccepts = {${accepts.length ? `\n${accepts.join("\n")}\n` : ""}};`,
    ...(schemas.length ? ["", schemas.join("\n\n")] : []),
    "",
  ]
    .filter((line, i) => !(i === 1 && line === ""))
    .join("\n");
}
