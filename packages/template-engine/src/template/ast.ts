import type { Expression } from "../expression/ast";

/** A node of a parsed template. `start` is an offset into the template source. */
export type TemplateNode =
  | TextNode
  | OutputNode
  | SetNode
  | IfNode
  | ForNode
  | YieldNode
  | BlockNode
  | IncludeNode;

/** Literal text, copied to the output as-is. */
export interface TextNode {
  type: "Text";
  value: string;
}

/** `{{ expression }}`: escaped unless the expression is `raw(...)`. */
export interface OutputNode {
  type: "Output";
  expression: Expression;
  start: number;
}

/** `@set name = expression @endset`. */
export interface SetNode {
  type: "Set";
  name: string;
  expression: Expression;
  start: number;
}

/** `@if` with its `@elseif` branches and optional `@else`. */
export interface IfNode {
  type: "If";
  branches: { test: Expression; body: TemplateNode[]; start: number }[];
  otherwise: TemplateNode[] | undefined;
  start: number;
}

/** `@for value in items`, `@for [key, value] in items`, with an optional `@else` for empty lists. */
export interface ForNode {
  type: "For";
  /** The key (index for arrays) variable of the `[key, value]` form. */
  key: string | undefined;
  value: string;
  iterable: Expression;
  body: TemplateNode[];
  otherwise: TemplateNode[] | undefined;
  start: number;
}

/** `@yield("name")` or `@yield("name", fallback)` in a layout. */
export interface YieldNode {
  type: "Yield";
  name: string;
  fallback: Expression | undefined;
  start: number;
}

/** `@block("name") ... @endblock`: fills a layout's `@yield`, or is overridable default content. */
export interface BlockNode {
  type: "Block";
  name: string;
  body: TemplateNode[];
  start: number;
}

/** `@import("relative/path", props)` or `@component("name", props)`. */
export interface IncludeNode {
  type: "Include";
  kind: "import" | "component";
  name: string;
  props: Expression | undefined;
  start: number;
  /** Index into the compiled template's dependencies, set when the template is linked. */
  dependency?: number;
}

/** `@layout("name", params)`: the template is rendered into that layout. */
export interface LayoutNode {
  name: string;
  params: Expression | undefined;
  start: number;
  dependency?: number;
}

/** A whole parsed template. */
export interface TemplateAst {
  body: TemplateNode[];
  layout: LayoutNode | undefined;
  /** Names assigned by `@set` anywhere in the template. */
  assigned: Set<string>;
}
