import { locate, TemplateError } from "./errors";
import { type Plugin, type RenderScope, SafeString } from "./plugins";

/** A compiled template: data in, HTML out. `blocks` are the filled blocks of a child template. */
export type RenderFunction = (
  data: Record<string, any>,
  state: RenderState,
  blocks: Record<string, string> | undefined,
) => string;

/** What generated code needs of a dependency (layout, import, component). */
export interface Linked {
  readonly file: string;
  compiled: { render: RenderFunction } | undefined;
}

/** The per-render state generated code threads through includes. */
export interface RenderState {
  /** The engine's plugin table (null prototype). */
  plugins: Record<string, Plugin>;
  /** `this` of plugins. */
  context: RenderScope;
  /** Files being rendered, outermost first, for recursion limits and messages. */
  stack: string[];
  maxDepth: number;
}

/** Where a compiled template came from, for error messages. */
export interface TemplateMeta {
  file: string;
  source: string;
}

/**
 * Property names that lead from data to the host's functions and prototypes. They cannot be
 * read, indexed, called or used as object-literal keys in a template.
 */
export const BLOCKED_PROPERTIES: ReadonlySet<string> = new Set([
  "constructor",
  "__proto__",
  "prototype",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "caller",
  "callee",
  "arguments",
]);

// Function constructors compile strings into code; a template must never call one, even when
// the application hands one over in its data by mistake.
const BLOCKED_FUNCTIONS: ReadonlySet<unknown> = new Set<unknown>([
  Function,
  Object.getPrototypeOf(async () => {}).constructor,
  Object.getPrototypeOf(function* () {}).constructor,
  Object.getPrototypeOf(async function* () {}).constructor,
  Reflect.get(globalThis, "eval"),
]);

/** An error raised by a runtime check; `fail` turns it into a located {@link TemplateError}. */
export class RenderFault extends Error {}

const EMPTY: readonly never[] = Object.freeze([]);
const EMPTY_OBJECT: Readonly<Record<string, never>> = Object.freeze(Object.create(null));
const escapeHTML = Bun.escapeHTML;

/** `{{ value }}`: HTML-escaped text. */
function escapeValue(value: unknown): string {
  if (typeof value === "string") return escapeHTML(value);
  if (typeof value === "number") return `${value}`;
  if (value === undefined || value === null) return "";
  if (value instanceof SafeString) return value.value;
  return escapeHTML(stringify(value));
}

/** `{{ raw(value) }}`: the text as it is. */
function unescaped(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (value instanceof SafeString) return value.value;
  return stringify(value);
}

function stringify(value: unknown): string {
  switch (typeof value) {
    case "function":
      throw new RenderFault("Cannot print a function; did you mean to call it?");
    case "symbol":
      throw new RenderFault("Cannot print a symbol");
    case "object":
      if (typeof (value as { then?: unknown }).then === "function")
        throw new RenderFault(
          "Cannot print a Promise: templates render synchronously; await the value in the handler and pass the result",
        );
      try {
        return String(value);
      } catch {
        return Object.prototype.toString.call(value);
      }
    default:
      return String(value);
  }
}

/** Reads a data key that also names an `Object.prototype` member: own properties only. */
function own(data: Record<string, any>, name: string): unknown {
  return Object.hasOwn(data, name) ? data[name] : undefined;
}

/** Checks a computed key (`obj[key]`). */
function key(value: unknown): string | number {
  if (typeof value === "number") return value;
  if (typeof value === "symbol") throw new RenderFault("Symbols cannot be used as keys in templates");
  const name = String(value);
  if (BLOCKED_PROPERTIES.has(name)) throw new RenderFault(`Access to "${name}" is not allowed in templates`);
  return name;
}

/** Checks that `value` may be called; `label` names it in the error. */
function callable(value: unknown, label: string): (...args: unknown[]) => unknown {
  if (typeof value !== "function") {
    throw new RenderFault(
      value === undefined
        ? `"${label}" is not a registered plugin nor a function in the data`
        : `"${label}" is not a function`,
    );
  }
  if (BLOCKED_FUNCTIONS.has(value)) throw new RenderFault(`Calling "${label}" is not allowed in templates`);
  return value as (...args: unknown[]) => unknown;
}

/** `object.name(args)`: null-safe like member access. */
function method(object: any, name: string | number, args: unknown[]): unknown {
  if (object === undefined || object === null) return undefined;
  return callable(object[name], String(name)).apply(object, args);
}

/** The items `@for item in value` walks. Missing values loop zero times. */
function list(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return EMPTY;
  if (typeof value === "string") return Array.from(value);
  if (typeof value === "object") {
    if (typeof (value as { then?: unknown }).then === "function")
      throw new RenderFault("Cannot loop over a Promise; await it in the handler");
    if (typeof (value as Iterable<unknown>)[Symbol.iterator] === "function")
      return Array.from(value as Iterable<unknown>);
    return Object.values(value);
  }
  throw new RenderFault(`Cannot loop over a ${typeof value}`);
}

/** The `[key, value]` pairs `@for [k, v] in value` walks: indexes for arrays, keys otherwise. */
function pairs(value: unknown): readonly (readonly [unknown, unknown])[] {
  if (value === undefined || value === null) return EMPTY;
  if (Array.isArray(value)) return value.map((item, index) => [index, item] as const);
  if (value instanceof Map || value instanceof Set) return Array.from(value.entries());
  if (typeof value === "object") {
    if (typeof (value as Iterable<unknown>)[Symbol.iterator] === "function")
      return Array.from(value as Iterable<[unknown, unknown]>);
    return Object.entries(value);
  }
  throw new RenderFault(`Cannot loop over the entries of a ${typeof value}`);
}

/** Props of `@component`: an object, or none. */
function props(value: unknown): Record<string, any> {
  if (value === undefined || value === null) return EMPTY_OBJECT;
  if (typeof value !== "object" || Array.isArray(value))
    throw new RenderFault(`Props must be an object, got ${Array.isArray(value) ? "an array" : typeof value}`);
  return value as Record<string, any>;
}

/** Data of an `@import` or a layout: the caller's data and locals, then the props on top. */
function scope(
  data: Record<string, any>,
  locals: Record<string, unknown>,
  extra: unknown,
): Record<string, any> {
  // Spread defines properties; Object.assign would run a `__proto__` setter found in the data.
  return { ...data, ...locals, ...props(extra) };
}

/** Renders a dependency, with a nesting limit so runaway recursion fails clearly. */
function include(
  target: Linked,
  data: Record<string, any>,
  state: RenderState,
  blocks?: Record<string, string>,
): string {
  const stack = state.stack;
  if (stack.length >= state.maxDepth) {
    const chain = [...stack.slice(-6), target.file].join("\n      → ");
    throw new RenderFault(
      `Templates nested more than ${state.maxDepth} deep (a recursive @import/@component that never stops?):\n      … → ${chain}`,
    );
  }
  stack.push(target.file);
  try {
    return target.compiled!.render(data, state, blocks);
  } finally {
    stack.pop();
  }
}

/** Turns anything thrown while rendering into a {@link TemplateError} that points at the template. */
function fail(error: unknown, meta: TemplateMeta, offset: number): unknown {
  if (error instanceof TemplateError) return error;
  // An HttpError (or any error with a status) thrown by a plugin is deliberate: keep it intact.
  if (error !== null && typeof error === "object" && ("status" in error || "statusCode" in error))
    return error;
  const reason =
    error instanceof RenderFault
      ? error.message
      : error instanceof Error
        ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
        : `Thrown while rendering: ${String(error)}`;
  return new TemplateError(
    reason,
    { file: meta.file, source: meta.source, ...locate(meta.source, offset) },
    { cause: error },
  );
}

/** The helpers generated code calls, by short name. */
export const runtime = {
  escape: escapeValue,
  unescaped,
  own,
  key,
  callable,
  method,
  list,
  pairs,
  props,
  scope,
  include,
  fail,
  empty: EMPTY_OBJECT,
};

/** Type of {@link runtime}. */
export type Runtime = typeof runtime;
