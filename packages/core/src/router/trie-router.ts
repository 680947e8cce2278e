import { positiveInteger } from "../utils/internal/check";
import type { Segment } from "./pattern";
import type { RouteMatch, RouterEngine } from "./types";

/** Options of {@link TrieRouter}. */
export interface TrieRouterOptions {
  /**
   * Longest value (encoded characters) tested against a parameter's constraint; a longer one
   * does not match that parameter (default 256). Together with the checks done when a
   * constraint is registered, it bounds the time any constraint can take per request.
   */
  constraintMaxLength?: number;
}

/** Default of {@link TrieRouterOptions.constraintMaxLength}. */
export const DEFAULT_CONSTRAINT_MAX_LENGTH = 256;

interface Terminal<T> {
  value: T;
  names: string[];
}

interface ParamEdge<T> {
  pattern?: RegExp;
  source?: string;
  /** The constraint can match `/`: the value may take several segments. */
  spans: boolean;
  node: TrieNode<T>;
}

class TrieNode<T> {
  statics: Map<string, TrieNode<T>> | null = null;
  params: ParamEdge<T>[] | null = null;
  /** Methods registered on a wildcard at this depth (`/files/*`). */
  wildcard: Map<string, Terminal<T>> | null = null;
  /** Methods registered on a pattern ending exactly here. */
  methods: Map<string, Terminal<T>> | null = null;
}

function pick<T>(methods: Map<string, Terminal<T>> | null, method: string): Terminal<T> | undefined {
  if (methods === null) return undefined;
  return methods.get(method) ?? (method === "HEAD" ? methods.get("GET") : undefined) ?? methods.get("ALL");
}

function constraintMatches(pattern: RegExp, raw: string, maxLength: number): boolean {
  if (raw.length > maxLength) return false;
  if (!raw.includes("%")) return pattern.test(raw);
  try {
    return pattern.test(decodeURIComponent(raw));
  } catch {
    // A malformed escape is reported once, when params are decoded; here it simply does not match
    // a constraint, so an unconstrained route may still take it.
    return false;
  }
}

/**
 * A segment trie compiled at registration. Fully static paths are also kept in a map so the
 * common case is one hash lookup. Matching walks the path by index (no split), trying static,
 * then constrained params, then plain params, then the wildcard, and backtracks when a branch
 * has no route for the method. A constraint that can match `/` takes as many segments as it
 * matches, the longest first.
 */
export class TrieRouter<T> implements RouterEngine<T> {
  private readonly root = new TrieNode<T>();
  private readonly staticPaths = new Map<string, TrieNode<T>>();
  private readonly maxLength: number;

  constructor(options: TrieRouterOptions = {}) {
    this.maxLength =
      options.constraintMaxLength === undefined
        ? DEFAULT_CONSTRAINT_MAX_LENGTH
        : positiveInteger(options.constraintMaxLength, "TrieRouter: constraintMaxLength");
  }

  add(method: string, segments: Segment[], value: T): void {
    let node = this.root;
    const names: string[] = [];
    let isStatic = true;
    let path = "";
    for (const segment of segments) {
      if (segment.kind === "static") {
        path += `/${segment.value}`;
        node.statics ??= new Map();
        let next = node.statics.get(segment.value);
        if (!next) {
          next = new TrieNode<T>();
          node.statics.set(segment.value, next);
        }
        node = next;
      } else if (segment.kind === "param") {
        isStatic = false;
        names.push(segment.name);
        node.params ??= [];
        let edge = node.params.find((e) => e.source === segment.source);
        if (!edge) {
          edge = {
            pattern: segment.pattern,
            source: segment.source,
            spans: segment.spans === true,
            node: new TrieNode<T>(),
          };
          node.params.push(edge);
          // Constrained params are more specific than free ones: try them first.
          node.params.sort((a, b) => Number(b.pattern !== undefined) - Number(a.pattern !== undefined));
        }
        node = edge.node;
      } else {
        names.push("*");
        node.wildcard ??= new Map();
        this.put(node.wildcard, method, { value, names }, segments);
        return;
      }
    }
    node.methods ??= new Map();
    this.put(node.methods, method, { value, names }, segments);
    if (isStatic) this.staticPaths.set(path === "" ? "/" : path, node);
  }

  private put(
    table: Map<string, Terminal<T>>,
    method: string,
    terminal: Terminal<T>,
    segments: Segment[],
  ): void {
    if (table.has(method)) {
      const shown = segments
        .map((s) => (s.kind === "static" ? s.value : s.kind === "wildcard" ? "*" : `:${s.name}`))
        .join("/");
      throw new Error(`Route ${method} /${shown} is already registered`);
    }
    table.set(method, terminal);
  }

  match(method: string, path: string): RouteMatch<T> | null {
    const exact = this.staticPaths.get(path);
    if (exact !== undefined) {
      const terminal = pick(exact.methods, method);
      if (terminal !== undefined) return { value: terminal.value, names: terminal.names, values: [] };
    }
    const values: string[] = [];
    const terminal = this.walk(this.root, path, path === "/" ? 1 : 0, method, values);
    return terminal ? { value: terminal.value, names: terminal.names, values } : null;
  }

  /** `pos` is the index of the `/` that starts the next segment, or `path.length` at the end. */
  private walk(
    node: TrieNode<T>,
    path: string,
    pos: number,
    method: string,
    values: string[],
  ): Terminal<T> | undefined {
    if (pos >= path.length) {
      const found = pick(node.methods, method);
      if (found !== undefined) return found;
      const wild = pick(node.wildcard, method);
      if (wild !== undefined) values.push("");
      return wild;
    }
    const start = pos + 1;
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;

    if (node.statics !== null) {
      const child = node.statics.get(path.slice(start, end));
      if (child !== undefined) {
        const found = this.walk(child, path, end, method, values);
        if (found !== undefined) return found;
      }
    }
    if (node.params !== null && end > start) {
      const raw = path.slice(start, end);
      for (const edge of node.params) {
        if (edge.spans) {
          const found = this.walkSpans(edge, path, start, end, method, values);
          if (found !== undefined) return found;
          continue;
        }
        if (edge.pattern !== undefined && !constraintMatches(edge.pattern, raw, this.maxLength)) continue;
        values.push(raw);
        const found = this.walk(edge.node, path, end, method, values);
        if (found !== undefined) return found;
        values.pop();
      }
    }
    if (node.wildcard !== null) {
      const wild = pick(node.wildcard, method);
      if (wild !== undefined) {
        values.push(path.slice(start));
        return wild;
      }
    }
    return undefined;
  }

  /** The ends (`/` indexes, or the path's end) a spanning param starting at `start` may take, longest first. */
  private spanEnds(path: string, start: number, end: number): number[] {
    const ends = [end];
    for (let at = end; at < path.length && at - start < this.maxLength; ) {
      at = path.indexOf("/", at + 1);
      if (at === -1) at = path.length;
      ends.push(at);
    }
    return ends.reverse();
  }

  private walkSpans(
    edge: ParamEdge<T>,
    path: string,
    start: number,
    end: number,
    method: string,
    values: string[],
  ): Terminal<T> | undefined {
    for (const stop of this.spanEnds(path, start, end)) {
      const raw = path.slice(start, stop);
      if (!constraintMatches(edge.pattern!, raw, this.maxLength)) continue;
      values.push(raw);
      const found = this.walk(edge.node, path, stop, method, values);
      if (found !== undefined) return found;
      values.pop();
    }
    return undefined;
  }

  allowed(path: string): string[] {
    const found = new Set<string>();
    this.collect(this.root, path, path === "/" ? 1 : 0, found);
    if (found.has("GET")) found.add("HEAD");
    return [...found];
  }

  private collect(node: TrieNode<T>, path: string, pos: number, out: Set<string>): void {
    if (node.wildcard) for (const m of node.wildcard.keys()) out.add(m);
    if (pos >= path.length) {
      if (node.methods) for (const m of node.methods.keys()) out.add(m);
      return;
    }
    const start = pos + 1;
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;
    const raw = path.slice(start, end);
    const child = node.statics?.get(raw);
    if (child) this.collect(child, path, end, out);
    if (node.params && end > start) {
      for (const edge of node.params) {
        if (edge.spans) {
          for (const stop of this.spanEnds(path, start, end))
            if (constraintMatches(edge.pattern!, path.slice(start, stop), this.maxLength))
              this.collect(edge.node, path, stop, out);
        } else if (edge.pattern === undefined || constraintMatches(edge.pattern, raw, this.maxLength))
          this.collect(edge.node, path, end, out);
      }
    }
  }
}
