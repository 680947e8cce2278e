/**
 * Schemas made fit for an OpenAPI document: `$schema` dropped, `$defs`/`definitions` moved to
 * `components.schemas` and every `$ref` into them rewritten; a schema that refers to itself
 * (`"$ref": "#"`, zod's recursive schemas) becomes a component of its own. Equal definitions
 * share one component; different ones under one name get a numbered name.
 */
import type { JsonSchema } from "./convert";

const PREFIX = "#/components/schemas/";

/** Component names OpenAPI allows: `^[a-zA-Z0-9._-]+$`. */
export function componentName(raw: string): string {
  const cleaned = raw.replace(/[^a-zA-Z0-9._-]+/g, "_").replace(/^_+|_+$/g, "");
  return cleaned === "" ? "Schema" : cleaned;
}

/** Deep equality of JSON values. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rewrites every `$ref` found in `value` through `rewrite`, in place. */
function rewriteRefs(value: unknown, rewrite: (ref: string) => string): void {
  if (Array.isArray(value)) {
    for (const item of value) rewriteRefs(item, rewrite);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    if (key === "$ref" && typeof child === "string") record[key] = rewrite(child);
    else if (key !== "const" && key !== "default" && key !== "examples" && key !== "enum")
      rewriteRefs(child, rewrite);
  }
}

/** Whether `value` has a `$ref` to `"#"`: the schema refers to itself. */
function refersToRoot(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(refersToRoot);
  if (value === null || typeof value !== "object") return false;
  for (const [key, child] of Object.entries(value)) {
    if (key === "$ref" && child === "#") return true;
    if (key !== "const" && key !== "default" && key !== "examples" && key !== "enum" && refersToRoot(child))
      return true;
  }
  return false;
}

/** The `components.schemas` of one document, filled as routes are described. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** A name no component has yet, kept for a schema set later. */
  private reserve(name: string): string {
    const base = componentName(name);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}${n}`;
      if (this.schemas[candidate] === undefined) {
        this.schemas[candidate] = {};
        return candidate;
      }
    }
  }

  /**
   * The component name for `schema` wanted as `name`: shared with an equal one, else free. With
   * a `variant` (requests' input shapes), a free plain name is left to the output shape, so
   * names do not depend on the order routes were registered in.
   */
  private nameFor(name: string, schema: JsonSchema, variant: string): string {
    const existing = this.schemas[name];
    if (existing !== undefined && sameJson(existing, schema)) return name;
    if (variant === "") return this.reserve(name);
    const alternative = this.schemas[`${name}${variant}`];
    if (alternative !== undefined && sameJson(alternative, schema)) return `${name}${variant}`;
    return this.reserve(`${name}${variant}`);
  }

  /**
   * `schema` (a fresh JSON copy, changed in place) ready to sit anywhere in the document: its
   * definitions registered as components, `hint` naming the generated ones. A definition whose
   * name holds a different schema (zod's input and output shapes of one `.meta({ id })`) tries
   * the name with `variant` appended (`BookInput`) before a numbered one.
   */
  adopt(schema: JsonSchema, hint: string, variant = ""): JsonSchema {
    delete schema.$schema;
    const defs: Record<string, JsonSchema> = {
      ...((schema.definitions as Record<string, JsonSchema>) ?? {}),
      ...((schema.$defs as Record<string, JsonSchema>) ?? {}),
    };
    delete schema.$defs;
    delete schema.definitions;
    const wanted = new Map<string, string>();
    for (const key of Object.keys(defs)) {
      delete defs[key]!.$schema;
      // Names a library made up (zod's `__schema0`) are prefixed with the route's hint.
      wanted.set(key, componentName(/^_|^schema\d*$/.test(key) ? `${hint}_${key.replace(/^_+/, "")}` : key));
    }
    const selfRef = refersToRoot(schema) || Object.values(defs).some(refersToRoot);
    const rewriter = (names: Map<string, string>, root: string | undefined) => (ref: string) => {
      if (ref === "#" && root !== undefined) return PREFIX + root;
      const match = /^#\/(?:\$defs|definitions)\/([^/]+)(.*)$/.exec(ref);
      const key = match ? match[1]!.replace(/~1/g, "/").replace(/~0/g, "~") : undefined;
      const name = key === undefined ? undefined : names.get(key);
      return name === undefined ? ref : PREFIX + name + match![2];
    };
    // A definition equal to the component already under its wanted name shares it; any other
    // gets a free (numbered) name.
    const finalNames = new Map<string, string>();
    for (const [key, def] of Object.entries(defs)) {
      const tentative = JSON.parse(JSON.stringify(def)) as JsonSchema;
      rewriteRefs(tentative, rewriter(wanted, undefined));
      finalNames.set(key, this.nameFor(wanted.get(key)!, tentative, variant));
    }
    const root = selfRef ? this.reserve(hint) : undefined;
    for (const [key, def] of Object.entries(defs)) {
      rewriteRefs(def, rewriter(finalNames, root));
      this.schemas[finalNames.get(key)!] = def;
    }
    rewriteRefs(schema, rewriter(finalNames, root));
    if (root === undefined) return schema;
    this.schemas[root] = schema;
    return { $ref: PREFIX + root };
  }
}
