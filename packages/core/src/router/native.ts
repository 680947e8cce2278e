import type { Segment } from "./pattern";

/** Methods Bun's route table dispatches on (and `HEAD`, which Bun answers from `GET`). */
const NATIVE_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
/** Literal segments Bun would read exactly as the JS router does: plain printable ASCII. */
export const PLAIN_SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=@]+$/;

/** One compiled route variant offered for Bun's native table. */
export interface NativeCandidate<T> {
  method: string;
  segments: Segment[];
  value: T;
}

/** Bun's route table: `"/users/:id"` → method → value. */
export type NativeTable<T> = Map<string, Map<string, T>>;

function expressible(method: string, segments: Segment[]): boolean {
  if (!NATIVE_METHODS.has(method)) return false;
  return segments.every((s) =>
    s.kind === "static" ? PLAIN_SEGMENT.test(s.value) : s.kind === "param" && s.pattern === undefined,
  );
}

/** A wildcard, or a param whose constraint can span segments: it may take any rest of the path. */
const takesRest = (s: Segment | undefined) =>
  s?.kind === "wildcard" || (s?.kind === "param" && s.spans === true);

/** Whether some path could be matched by both patterns (a wildcard matches any rest). */
function overlaps(a: Segment[], b: Segment[]): boolean {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (takesRest(x) || takesRest(y)) return true;
    if (x === undefined || y === undefined) return false;
    if (x.kind === "static" && y.kind === "static") {
      if (x.value !== y.value) return false;
    } else if (x.kind === "static" && y.kind === "param") {
      if (y.pattern && !y.pattern.test(x.value)) return false;
    } else if (y.kind === "static" && x.kind === "param") {
      if (x.pattern && !x.pattern.test(y.value)) return false;
    }
  }
  return true;
}

function bunPattern(segments: Segment[]): string {
  return `/${segments.map((s) => (s.kind === "static" ? s.value : `:${(s as { name: string }).name}`)).join("/")}`;
}

/**
 * Picks the routes Bun's native router can match exactly as the JS router would: plain
 * static and `:param` segments under the listed methods. A pattern is left to the JS router
 * when any route Bun cannot express (constraints, wildcards, `ALL`, other methods) or any
 * WebSocket route could match the same paths, so precedence never changes: Bun answers only
 * where nothing else could have claimed the request. Everything else reaches `fetch`.
 */
export function nativeTable<T>(
  candidates: NativeCandidate<T>[],
  webSocketPatterns: Segment[][],
): NativeTable<T> {
  const jsOnly = [
    ...candidates.filter((c) => !expressible(c.method, c.segments)).map((c) => c.segments),
    ...webSocketPatterns,
  ];
  // Keyed by shape (params unnamed): Bun cannot hold `/users/:id` and `/users/:userId` apart.
  const byShape = new Map<string, { pattern: string; methods: Map<string, T> }>();
  const excluded = new Set<string>();
  for (const candidate of candidates) {
    if (!expressible(candidate.method, candidate.segments)) continue;
    const shape = candidate.segments.map((s) => (s.kind === "static" ? `=${s.value}` : ":")).join("/");
    if (excluded.has(shape)) continue;
    const pattern = bunPattern(candidate.segments);
    const entry = byShape.get(shape);
    if (
      (entry !== undefined && entry.pattern !== pattern) ||
      jsOnly.some((other) => overlaps(candidate.segments, other))
    ) {
      excluded.add(shape);
      byShape.delete(shape);
      continue;
    }
    if (entry === undefined)
      byShape.set(shape, { pattern, methods: new Map([[candidate.method, candidate.value]]) });
    else entry.methods.set(candidate.method, candidate.value);
  }
  return new Map([...byShape.values()].map((entry) => [entry.pattern, entry.methods]));
}
