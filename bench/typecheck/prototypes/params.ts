/**
 * Route params at the type level, as Harpia's core types them (`packages/core/src/router/params.ts`,
 * copied so the prototypes are self-contained): `ParamsOf<"/users/:id">` is `{ id: string }`.
 */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Split<P extends string> = P extends `${infer Head}/${infer Tail}` ? [Head, ...Split<Tail>] : [P];

type Alternatives<S extends string> = S extends `${infer A}|${infer B}` ? A | Alternatives<B> : S;

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
    : {};

type Collect<Parts extends string[]> = Parts extends [
  infer Head extends string,
  ...infer Tail extends string[],
]
  ? SegmentParam<Head> & Collect<Tail>
  : {};

/** The params object a route pattern produces. */
export type ParamsOf<Path extends string> = string extends Path
  ? Record<string, string>
  : Simplify<Collect<Split<Path>>>;
