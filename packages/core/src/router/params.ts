/**
 * Type-level route parameters: `ParamsOf<"/users/:id/books/:kind(new|used)?">` is
 * `{ id: string; kind?: "new" | "used" }`.
 */

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * Splits at `/`, except inside a constraint: a param part that opens `(` without closing it is
 * joined with the following parts up to the one that closes it (`:id([^/]+)`, `:f([a-z/]+\.js)`).
 */
type Split<P extends string> = P extends `${infer Head}/${infer Tail}`
  ? Head extends `:${string}(${string}` | `(${string}`
    ? Head extends `${string})${string}`
      ? [Head, ...Split<Tail>]
      : JoinConstraint<Head, Tail>
    : [Head, ...Split<Tail>]
  : [P];

type JoinConstraint<Open extends string, Rest extends string> = Rest extends `${infer Head}/${infer Tail}`
  ? Head extends `${string})${string}`
    ? [`${Open}/${Head}`, ...Split<Tail>]
    : JoinConstraint<`${Open}/${Head}`, Tail>
  : [`${Open}/${Rest}`];

type Alternatives<S extends string> = S extends `${infer A}|${infer B}` ? A | Alternatives<B> : S;

/** `dog|cat` → `"dog" | "cat"`; anything with regex syntax → `string`. */
type ConstraintValue<Source extends string> =
  Source extends `${string}${"\\" | "[" | "." | "*" | "+" | "^" | "$" | "{" | "(" | "?"}${string}`
    ? string
    : Alternatives<Source>;

type SegmentParam<S extends string> = S extends `:${infer Rest}`
  ? Rest extends `${infer Name}(${infer Source})?`
    ? { [K in Name]?: ConstraintValue<Source> }
    : Rest extends `${infer Name}(${infer Source})`
      ? { [K in Name]: ConstraintValue<Source> }
      : Rest extends `${infer Name}?`
        ? { [K in Name]?: string }
        : { [K in Rest]: string }
  : S extends "*"
    ? { "*": string }
    : S extends `(${string})${string}`
      ? { [index: `${number}`]: string }
      : {};

type Collect<Parts extends string[]> = Parts extends [
  infer Head extends string,
  ...infer Tail extends string[],
]
  ? SegmentParam<Head> & Collect<Tail>
  : {};

/** The params object a route pattern produces. Falls back to a string record for `string`. */
export type ParamsOf<Path extends string> = string extends Path
  ? Record<string, string>
  : Simplify<Collect<Split<Path>>>;

/** Joins a router prefix and a route path at the type level. */
export type JoinPath<Prefix extends string, Path extends string> = Prefix extends ""
  ? Path
  : Path extends `/${string}`
    ? `${Prefix}${Path}`
    : `${Prefix}/${Path}`;
