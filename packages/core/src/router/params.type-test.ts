/**
 * Type-level tests, checked by `tsc` (the typecheck step of CI): a wrong inference fails the build.
 */
import type { JoinPath, ParamsOf } from "./params";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof: T): void {}

export function paramsAreInferredFromPatterns(): void {
  assertType<Equal<ParamsOf<"/users/:id">, { id: string }>>(true);
  assertType<Equal<ParamsOf<"/users/:id/books/:bookId">, { id: string; bookId: string }>>(true);
  assertType<Equal<ParamsOf<"/books/:id?">, { id?: string }>>(true);
  assertType<Equal<ParamsOf<"/pets/:kind(dog|cat)">, { kind: "dog" | "cat" }>>(true);
  assertType<Equal<ParamsOf<"/n/:id(\\d+)">, { id: string }>>(true);
  assertType<Equal<ParamsOf<"/files/*">, { "*": string }>>(true);
  // A `/` inside a constraint does not split the segment.
  assertType<Equal<ParamsOf<"/user/:id([^/]+)/*">, { id: string; "*": string }>>(true);
  assertType<Equal<ParamsOf<"/js/:file([a-z0-9/]+\\.js)">, { file: string }>>(true);
  assertType<Equal<ParamsOf<"/a/:p(x/y|z)/:q">, { p: "x/y" | "z"; q: string }>>(true);
  assertType<Equal<ParamsOf<"/a(b/:id">, { id: string }>>(true);
  assertType<Equal<ParamsOf<"/static">, {}>>(true);
  // @ts-expect-error a constrained param is not any string
  assertType<Equal<ParamsOf<"/pets/:kind(dog|cat)">, { kind: string }>>(true);
  assertType<Equal<ParamsOf<string>, Record<string, string>>>(true);
  assertType<Equal<JoinPath<"/api/:v", "/users/:id">, "/api/:v/users/:id">>(true);
  assertType<Equal<JoinPath<"books", "/">, "books/">>(true);
}
