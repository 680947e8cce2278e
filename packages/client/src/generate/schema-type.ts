/**
 * JSON Schema (draft 2020-12, as OpenAPI 3.1 embeds it; the 3.0 `nullable` too) → TypeScript
 * type source. Plain object types, no helper generics: what the checker reads cheapest.
 */

/** A JSON Schema object (or boolean schema). */
export type JsonSchema = boolean | { [keyword: string]: any };

/** How `$ref`s are named, and whether the schema is read as a request (writeOnly kept) or a response. */
export interface SchemaContext {
  /** The type name for a `$ref` ("#/components/schemas/Book" → "Book"), or undefined to inline it. */
  refName(ref: string): string | undefined;
  /** Resolves a `$ref` the context does not name. */
  resolve(ref: string): JsonSchema | undefined;
  /** "request" drops `readOnly` properties, "response" drops `writeOnly` ones, "shared" keeps both. */
  direction: "request" | "response" | "shared";
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A property name as it must be written in a type literal. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** JSDoc for a schema's description / deprecation, indented, or "". */
export function jsDoc(schema: JsonSchema | undefined, indent: string): string {
  if (!schema || typeof schema !== "object") return "";
  const lines: string[] = [];
  if (typeof schema.description === "string" && schema.description.trim())
    lines.push(...schema.description.trim().replaceAll("*/", "*\\/").split("\n"));
  if (schema.deprecated === true) lines.push("@deprecated");
  if (lines.length === 0) return "";
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join("\n")}\n${indent} */\n`;
}

const union = (types: string[]): string => {
  const unique = [...new Set(types)];
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 0 ? "never" : unique.join(" | ");
};

/** Wraps a union/intersection so it can take `[]` or join an intersection. */
const group = (type: string): string => (/[|&]/.test(type) && !/^[{(]/.test(type) ? `(${type})` : type);

const literal = (value: unknown): string =>
  value === null ? "null" : typeof value === "object" ? "unknown" : JSON.stringify(value);

/** The TypeScript type of a schema, at nesting `depth` (for indentation of object members). */
export function schemaType(
  schema: JsonSchema | undefined,
  ctx: SchemaContext,
  depth = 0,
  seen = new Set<string>(),
): string {
  if (schema === undefined || schema === true) return "unknown";
  if (schema === false) return "never";
  if (typeof schema !== "object" || schema === null) return "unknown";
  if (typeof schema.$ref === "string") {
    const name = ctx.refName(schema.$ref);
    if (name) return name;
    if (seen.has(schema.$ref)) return "unknown"; // a cycle through unnamed refs
    const target = ctx.resolve(schema.$ref);
    return schemaType(target, ctx, depth, new Set([...seen, schema.$ref]));
  }
  const base = baseType(schema, ctx, depth, seen);
  const nullable = schema.nullable === true && base !== "unknown" ? `${group(base)} | null` : base;
  return nullable;
}

function baseType(schema: Record<string, any>, ctx: SchemaContext, depth: number, seen: Set<string>): string {
  if ("const" in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  const parts: string[] = [];
  const choices = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(choices))
    parts.push(union(choices.map((s: JsonSchema) => schemaType(s, ctx, depth, seen))));
  if (Array.isArray(schema.allOf))
    parts.push(...schema.allOf.map((s: JsonSchema) => group(schemaType(s, ctx, depth, seen))));
  const own = ownType(schema, ctx, depth, seen);
  if (own !== undefined) parts.push(own);
  if (parts.length === 0) return "unknown";
  const known = parts.filter((p) => p !== "unknown");
  if (known.length === 0) return "unknown";
  return known.length === 1 ? known[0]! : known.map(group).join(" & ");
}

/** The type from `type` (and object/array keywords), or undefined when the schema has none. */
function ownType(
  schema: Record<string, any>,
  ctx: SchemaContext,
  depth: number,
  seen: Set<string>,
): string | undefined {
  const types: string[] | undefined = Array.isArray(schema.type)
    ? schema.type
    : typeof schema.type === "string"
      ? [schema.type]
      : schema.properties || schema.additionalProperties !== undefined
        ? ["object"]
        : schema.items || schema.prefixItems
          ? ["array"]
          : undefined;
  if (!types) return undefined;
  return union(types.map((type) => typeName(type, schema, ctx, depth, seen)));
}

function typeName(
  type: string,
  schema: Record<string, any>,
  ctx: SchemaContext,
  depth: number,
  seen: Set<string>,
): string {
  switch (type) {
    case "string":
      return schema.format === "binary" ? "Blob" : "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return arrayType(schema, ctx, depth, seen);
    case "object":
      return objectType(schema, ctx, depth, seen);
    default:
      return "unknown";
  }
}

function arrayType(
  schema: Record<string, any>,
  ctx: SchemaContext,
  depth: number,
  seen: Set<string>,
): string {
  if (Array.isArray(schema.prefixItems)) {
    const items = schema.prefixItems.map((s: JsonSchema) => schemaType(s, ctx, depth, seen));
    const rest = schema.items === false ? [] : [`...${group(schemaType(schema.items, ctx, depth, seen))}[]`];
    return `[${[...items, ...rest].join(", ")}]`;
  }
  return `${group(schemaType(schema.items, ctx, depth, seen))}[]`;
}

function objectType(
  schema: Record<string, any>,
  ctx: SchemaContext,
  depth: number,
  seen: Set<string>,
): string {
  const required = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
  const indent = "  ".repeat(depth + 1);
  const members: string[] = [];
  for (const [name, property] of Object.entries<JsonSchema>(schema.properties ?? {})) {
    if (typeof property === "object" && property) {
      if (ctx.direction === "request" && property.readOnly === true) continue;
      if (ctx.direction === "response" && property.writeOnly === true) continue;
    }
    const optional = required.has(name) ? "" : "?";
    members.push(
      `${jsDoc(property, indent)}${indent}${propertyKey(name)}${optional}: ${schemaType(property, ctx, depth + 1, seen)};`,
    );
  }
  const extra = schema.additionalProperties ?? schema.unevaluatedProperties;
  if (schema.patternProperties || (extra !== undefined && extra !== false)) {
    const values = [
      extra === undefined || extra === true ? "unknown" : schemaType(extra, ctx, depth + 1, seen),
      ...Object.values<JsonSchema>(schema.patternProperties ?? {}).map((s) =>
        schemaType(s, ctx, depth + 1, seen),
      ),
    ];
    // Declared members must fit the index signature: widen it to them when it is narrower.
    const index = members.length > 0 && !values.includes("unknown") ? "unknown" : union(values);
    members.push(`${indent}[key: string]: ${index};`);
  }
  if (members.length === 0) return extra === false ? "Record<string, never>" : "Record<string, unknown>";
  return `{\n${members.join("\n")}\n${"  ".repeat(depth)}}`;
}
