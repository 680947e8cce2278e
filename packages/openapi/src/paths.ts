/**
 * Route patterns as OpenAPI paths: `/books/:id` → `/books/{id}`; a constraint becomes the
 * parameter's `pattern`; a wildcard `*` becomes a `{path}` parameter; optional parameters
 * expand into every path they stand for, as core's router does (`/a/:b?` → `/a` and `/a/{b}`).
 */
import type { RouteInfo } from "@harpia/core";

/** One parameter of a path, in order. */
export interface PathParam {
  /** The name in the OpenAPI path (`{name}`): the route's name, or `path` for a wildcard. */
  readonly name: string;
  /** The name in `req.params` (`"*"` for a wildcard). */
  readonly key: string;
  /** A constraint's regex source. */
  readonly pattern?: string;
  readonly wildcard: boolean;
}

/** One concrete OpenAPI path of a route. */
export interface PathVariant {
  /** The OpenAPI path template: `/books/{id}`. */
  readonly path: string;
  readonly params: PathParam[];
}

type Piece = { kind: "static"; value: string } | { kind: "param"; param: PathParam; optional: boolean };

/**
 * Splits a pattern into segments at `/`, except inside a constraint's parentheses (with
 * brackets and escapes honoured), like core's router.
 */
function splitSegments(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let current = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && depth > 0) {
      current += c + (path[i + 1] ?? "");
      i++;
      continue;
    }
    if (depth > 0) {
      if (inClass) inClass = c !== "]";
      else if (c === "[") inClass = true;
      else if (c === "(") depth++;
      else if (c === ")") depth--;
    } else if (c === "(") depth++;
    else if (c === "/") {
      parts.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.filter((part) => part !== "");
}

/** The pieces of `route.path`, each parameter matched with `route.params` in order. */
function piecesOf(route: RouteInfo): Piece[] {
  const params = [...route.params];
  const taken = new Set(params.filter((p) => !p.wildcard).map((p) => p.name));
  const pieces: Piece[] = [];
  for (const segment of splitSegments(route.path)) {
    const isParam = segment === "*" || segment.startsWith(":") || segment.startsWith("(");
    if (!isParam) {
      pieces.push({ kind: "static", value: segment });
      continue;
    }
    const info = params.shift();
    if (info === undefined)
      throw new Error(`${route.path}: more parameters in the pattern than in the route table`);
    const name = info.wildcard ? (taken.has("path") ? "wildcard" : "path") : info.name;
    pieces.push({
      kind: "param",
      optional: info.optional,
      param: { name, key: info.name, pattern: info.pattern, wildcard: info.wildcard },
    });
  }
  return pieces;
}

/** Every concrete shape of `pieces`, as core's `expandOptional`. */
function expand(pieces: Piece[]): Piece[][] {
  const first = pieces.findIndex((p) => p.kind === "param" && p.optional);
  if (first === -1) return [pieces];
  const tail = pieces.slice(first);
  if (tail.some((p) => p.kind === "static")) {
    const without = pieces.filter((_, i) => i !== first);
    const withIt = pieces.map((p, i) => (i === first ? { ...p, optional: false } : p));
    return [...expand(without), ...expand(withIt)];
  }
  const variants: Piece[][] = [];
  for (let keep = first; keep <= pieces.length; keep++)
    variants.push(pieces.slice(0, keep).map((p) => (p.kind === "param" ? { ...p, optional: false } : p)));
  return variants;
}

/** The OpenAPI paths of `route`: one, or one per shape its optional parameters allow. */
export function pathVariants(route: RouteInfo): PathVariant[] {
  return expand(piecesOf(route)).map((pieces) => ({
    path: `/${pieces.map((p) => (p.kind === "static" ? p.value : `{${p.param.name}}`)).join("/")}`,
    params: pieces.flatMap((p) => (p.kind === "param" ? [p.param] : [])),
  }));
}

/** A stable operation id from the method and the OpenAPI path: `GET /books/{id}` → `getBooksById`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split("/")
    .filter((s) => s !== "")
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      const text = param ? `by ${param[1]}` : segment;
      return text
        .split(/[^A-Za-z0-9]+/)
        .filter((w) => w !== "")
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("");
    });
  return method.toLowerCase() + (words.length === 0 ? "Root" : words.join(""));
}
