import { HttpError } from "../errors";

/** Limits applied while building nested objects from form fields. */
export interface FieldLimits {
  /** Most fields accepted in one body (default 1000); more is a 413. */
  parameterLimit?: number;
  /** Deepest bracket nesting honoured (default 5); deeper brackets stay part of the key. */
  depth?: number;
  /** Highest array index honoured (default 100); larger indexes become object keys. */
  arrayLimit?: number;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

type Container = Record<string, unknown> | unknown[];

/** `a[b][]` → `["a", "b", ""]`, honouring the depth limit. */
function splitKey(key: string, depth: number): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.startsWith("[") && parts.length <= depth) {
    const close = rest.indexOf("]");
    if (close === -1) break;
    parts.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  if (rest !== "") parts.push(rest);
  return parts;
}

/**
 * Collects form fields into a nested object the way Express's extended parser users expect:
 * `a=1&a=2` → `{ a: ["1", "2"] }`, `user[name]=x` → `{ user: { name: "x" } }`,
 * `tags[]=a&tags[]=b` → `{ tags: ["a", "b"] }`. Objects have no prototype (`"toString" in
 * body` is false), and keys `__proto__`, `constructor` and `prototype` are dropped at every
 * level, so a body can never reach an object's prototype, even when copied with `Object.assign`.
 */
export class FieldCollector {
  readonly result: Record<string, unknown> = Object.create(null);
  private count = 0;
  private readonly parameterLimit: number;
  private readonly depth: number;
  private readonly arrayLimit: number;

  constructor(limits: FieldLimits = {}) {
    this.parameterLimit = limits.parameterLimit ?? 1000;
    this.depth = limits.depth ?? 5;
    this.arrayLimit = limits.arrayLimit ?? 100;
  }

  add(key: string, value: unknown): void {
    if (++this.count > this.parameterLimit) {
      throw new HttpError(413, `Too many form fields (limit ${this.parameterLimit})`, {
        code: "TOO_MANY_FIELDS",
      });
    }
    const path = splitKey(key, this.depth);
    if (path.some((part) => FORBIDDEN_KEYS.has(part))) return;
    let target: Container = this.result;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      const last = i === path.length - 1;
      if (last) {
        this.assign(target, part, value);
        return;
      }
      const nextIsIndex = path[i + 1] === "" || this.isIndex(path[i + 1]!);
      const existing = this.read(target, part);
      let child: Container;
      if (existing !== null && typeof existing === "object" && !(existing instanceof File)) {
        child = existing as Container;
      } else if (existing === undefined) {
        child = nextIsIndex ? [] : Object.create(null);
        this.assign(target, part, child, true);
      } else {
        return; // `a=1&a[b]=2`: a scalar was given first; the conflicting nested field is ignored.
      }
      target = child;
    }
  }

  private isIndex(part: string): boolean {
    return /^\d+$/.test(part) && Number(part) <= this.arrayLimit;
  }

  private read(target: Container, part: string): unknown {
    if (Array.isArray(target)) return part === "" ? undefined : target[Number(part)];
    return Object.hasOwn(target, part) ? target[part] : undefined;
  }

  private assign(target: Container, part: string, value: unknown, replace = false): void {
    if (Array.isArray(target)) {
      if (part === "") target.push(value);
      else if (this.isIndex(part)) target[Number(part)] = value;
      return;
    }
    if (!replace && Object.hasOwn(target, part)) {
      const current = target[part];
      target[part] = Array.isArray(current) ? [...current, value] : [current, value];
      return;
    }
    target[part] = value;
  }
}

function decodeComponent(text: string): string {
  const spaced = text.includes("+") ? text.replace(/\+/g, " ") : text;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new HttpError(400, "Malformed percent-encoding in form body", { code: "INVALID_BODY" });
  }
}

/** Parses an `application/x-www-form-urlencoded` body into a nested object. */
export function parseUrlEncoded(text: string, limits?: FieldLimits): Record<string, unknown> {
  const fields = new FieldCollector(limits);
  if (text === "") return fields.result;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1));
    if (key !== "") fields.add(key, value);
  }
  return fields.result;
}
