/**
 * (B) The generator: an OpenAPI 3.1 document → `export interface Routes { "GET /users/:id": {
 * input: { params: { id: string } }; output: {...} } }`, plain object types a frontend checks
 * without zod or the server's code.
 */

type Schema = Record<string, any>;

/** A JSON Schema (the subset schema libraries emit) as a TypeScript type. */
export function typeOf(schema: Schema | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return "unknown";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf ?? schema.oneOf) return (schema.anyOf ?? schema.oneOf).map(typeOf).join(" | ");
  if (schema.allOf) return schema.allOf.map(typeOf).join(" & ");
  if (Array.isArray(schema.type))
    return schema.type.map((t: string) => typeOf({ ...schema, type: t })).join(" | ");
  switch (schema.type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return `(${typeOf(schema.items)})[]`;
    case "object": {
      const required = new Set<string>(schema.required ?? []);
      const fields = Object.entries<Schema>(schema.properties ?? {}).map(
        ([name, s]) => `${JSON.stringify(name)}${required.has(name) ? "" : "?"}: ${typeOf(s)}`,
      );
      const extra = schema.additionalProperties;
      if (extra && extra !== false)
        fields.push(`[key: string]: ${extra === true ? "unknown" : typeOf(extra)}`);
      return `{ ${fields.join("; ")} }`;
    }
    default:
      return "unknown";
  }
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** `Routes` for every operation of the document (its `{param}` paths written `:param`). */
export function emitRoutes(document: Schema): string {
  const lines: string[] = [];
  for (const [path, item] of Object.entries<Schema>(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const input: string[] = [];
      const params = (op.parameters ?? []) as Schema[];
      for (const where of ["path", "query"] as const) {
        const list = params.filter((p) => p.in === where);
        if (list.length === 0) continue;
        const fields = list.map((p) => `${JSON.stringify(p.name)}${p.required ? "" : "?"}: string`);
        input.push(`${where === "path" ? "params" : "query"}: { ${fields.join("; ")} }`);
      }
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (body) input.push(`body${op.requestBody.required ? "" : "?"}: ${typeOf(body)}`);
      const ok = Object.entries<Schema>(op.responses ?? {}).find(([status]) => status.startsWith("2"));
      const output = typeOf(ok?.[1].content?.["application/json"]?.schema);
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`;
      if (op.summary) lines.push(`  /** ${op.summary} */`);
      lines.push(`  ${JSON.stringify(key)}: { input: { ${input.join("; ")} }; output: ${output} };`);
    }
  }
  return `export interface Routes {\n${lines.join("\n")}\n}\n`;
}
