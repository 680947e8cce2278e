/**
 * Route patterns: `/users/:id`, `/users/:id?`, `/pets/:kind(dog|cat)`, `/pets/(dog|cat)`,
 * `/files/*`. Parsed once at registration into segments the router compiles.
 */
import { compileConstraint } from "./constraint";

/** One segment of a parsed pattern. */
export type Segment =
  | { kind: "static"; value: string }
  | {
      kind: "param";
      name: string;
      pattern?: RegExp;
      source?: string;
      optional: boolean;
      /** The constraint can match `/`: the value may take several segments (`:file([a-z/]+\.js)`). */
      spans?: boolean;
    }
  | { kind: "wildcard" };

const PARAM = /^:([A-Za-z_$][\w$]*)(?:\((.+)\))?(\?)?$/;
const UNNAMED = /^\((.+)\)(\?)?$/;

/** Joins URL path parts, collapsing duplicate slashes: `join("/api", "books/")` → `/api/books`. */
export function joinPaths(...parts: string[]): string {
  const joined = parts
    .filter((part) => part !== "")
    .join("/")
    .replace(/\/{2,}/g, "/");
  return normalizePattern(joined);
}

/** `books/` → `/books`; `/` stays `/`. */
export function normalizePattern(path: string): string {
  let out = path.startsWith("/") ? path : `/${path}`;
  if (out.length > 1 && out.endsWith("/")) out = out.slice(0, -1);
  return out;
}

/**
 * Splits a pattern (without its leading `/`) into segments at `/`, except inside a parameter's
 * constraint: `:id([^/]+)` and `:file([a-z0-9/]+\.js)` stay whole. Brackets, escapes and
 * character classes are honoured, so `[)]` does not close a constraint.
 */
export function splitPattern(path: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i <= path.length) {
    if (i === path.length || path[i] === "/") {
      parts.push(path.slice(start, i));
      start = ++i;
      continue;
    }
    if (path[i] === "(" && (i === start || path[start] === ":")) {
      i = constraintEnd(path, i);
      continue;
    }
    i++;
  }
  return parts;
}

/** The index after the `)` closing the constraint that opens at `open` (the end when unclosed). */
function constraintEnd(path: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < path.length; i++) {
    const c = path[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return path.length;
}

/** Parses a pattern into segments; throws a clear error for anything unsupported. */
export function parsePattern(pattern: string): Segment[] {
  const normalized = normalizePattern(pattern);
  if (normalized === "/") return [];
  const raw = splitPattern(normalized.slice(1));
  const segments: Segment[] = [];
  let unnamed = 0;
  raw.forEach((part, index) => {
    if (part === "*") {
      if (index !== raw.length - 1) {
        throw new Error(`Route "${pattern}": a wildcard "*" is only allowed as the last segment`);
      }
      segments.push({ kind: "wildcard" });
      return;
    }
    const named = PARAM.exec(part);
    const anonymous = named ? null : UNNAMED.exec(part);
    if (named || anonymous) {
      const name = named ? named[1]! : String(unnamed++);
      const source = named ? named[2] : anonymous![1];
      const optional = Boolean(named ? named[3] : anonymous![2]);
      if (source === undefined) {
        segments.push({ kind: "param", name, optional });
        return;
      }
      let constraint: ReturnType<typeof compileConstraint>;
      try {
        constraint = compileConstraint(source);
      } catch (error) {
        throw new Error(`Route "${pattern}": invalid constraint "(${source})": ${(error as Error).message}`);
      }
      segments.push({
        kind: "param",
        name,
        pattern: constraint.regex,
        source,
        optional,
        spans: constraint.spans,
      });
      return;
    }
    if (part.includes(":") && part.startsWith(":")) {
      throw new Error(`Route "${pattern}": invalid parameter segment "${part}"`);
    }
    if (part.includes("*")) {
      throw new Error(`Route "${pattern}": "*" must be a whole segment`);
    }
    segments.push({ kind: "static", value: part });
  });
  const names = segments.flatMap((s) => (s.kind === "param" ? [s.name] : []));
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`Route "${pattern}": parameter ":${duplicate}" appears twice`);
  return segments;
}

/**
 * Expands optional parameters into the concrete patterns they stand for:
 * `/a/:b?/:c?` → `/a`, `/a/:b`, `/a/:b/:c`. Only trailing optionals may be left out, which is
 * what users of Express and Hono expect of `:id?`.
 */
export function expandOptional(segments: Segment[]): Segment[][] {
  const firstOptional = segments.findIndex((s) => s.kind === "param" && s.optional);
  if (firstOptional === -1) return [segments];
  const tail = segments.slice(firstOptional);
  if (tail.some((s) => s.kind === "static")) {
    // An optional parameter followed by static text: keep both shapes (with and without it).
    const without = segments.filter((_, i) => i !== firstOptional);
    const withIt = segments.map((s, i) => (i === firstOptional ? { ...s, optional: false } : s)) as Segment[];
    return [...expandOptional(without), ...expandOptional(withIt)];
  }
  const variants: Segment[][] = [];
  for (let keep = firstOptional; keep <= segments.length; keep++) {
    variants.push(
      segments.slice(0, keep).map((s) => (s.kind === "param" ? { ...s, optional: false } : s)) as Segment[],
    );
  }
  return variants;
}

/** The static part of a pattern before its first parameter or wildcard (`/a/b/:c` → `/a/b`). */
export function staticPrefix(segments: Segment[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s.kind !== "static") break;
    out.push(s.value);
  }
  return out;
}
