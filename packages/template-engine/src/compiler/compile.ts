import { syntaxError } from "../errors";
import { type Linked, type RenderFunction, runtime } from "../runtime";
import type { IncludeNode, LayoutNode, TemplateAst, TemplateNode } from "../template/ast";
import { CodeGenerator } from "./codegen";

/** A layout, import or component a template refers to. */
export interface DependencyRequest {
  kind: "layout" | "import" | "component";
  name: string;
  /** Offset of the directive, for "not found" errors. */
  start: number;
  /** True when every render reaches it (not inside @if, @for or @block): such cycles can never end. */
  unconditional: boolean;
  node: IncludeNode | LayoutNode;
}

/** Lists the layout, imports and components of a parsed template, in source order. */
export function dependenciesOf(ast: TemplateAst): DependencyRequest[] {
  const found: DependencyRequest[] = [];
  if (ast.layout !== undefined) {
    const node = ast.layout;
    found.push({ kind: "layout", name: node.name, start: node.start, unconditional: true, node });
  }
  const walk = (nodes: TemplateNode[], unconditional: boolean) => {
    for (const node of nodes) {
      switch (node.type) {
        case "Include":
          found.push({ kind: node.kind, name: node.name, start: node.start, unconditional, node });
          break;
        case "If":
          for (const branch of node.branches) walk(branch.body, false);
          if (node.otherwise) walk(node.otherwise, false);
          break;
        case "For":
          walk(node.body, false);
          if (node.otherwise) walk(node.otherwise, false);
          break;
        case "Block":
          // A block may be replaced by a child template's block, so what it includes may never run.
          walk(node.body, false);
          break;
      }
    }
  };
  // Outside blocks, a child of a layout renders nothing, so its includes are never reached.
  walk(ast.body, ast.layout === undefined);
  return found;
}

/**
 * Generates and instantiates the render function of a parsed template whose dependencies
 * were resolved to `dependencies` (in the order of {@link dependenciesOf}). The generated code
 * comes only from the syntax tree: literals are JSON-encoded and names are mapped to numbered
 * variables, so no part of the template or its data is ever evaluated as JavaScript as-is.
 */
export function buildRenderFunction(
  ast: TemplateAst,
  file: string,
  source: string,
  requests: DependencyRequest[],
  dependencies: Linked[],
): RenderFunction {
  requests.forEach((request, index) => {
    request.node.dependency = index;
  });
  const fail = (reason: string, offset: number): never => {
    throw syntaxError(reason, file, source, offset);
  };
  const body = new CodeGenerator(ast, fail).generate();
  const factory = new Function(
    "$runtime",
    "$meta",
    "$deps",
    `"use strict";
const { escape: $escape, unescaped: $unescaped, own: $own, key: $key, callable: $callable, method: $method,
  list: $list, pairs: $pairs, props: $props, scope: $scope, include: $include, fail: $fail, empty: $empty } = $runtime;
return function render(data, $state, $blocks) {
${body}};`,
  ) as (rt: typeof runtime, meta: { file: string; source: string }, deps: Linked[]) => RenderFunction;
  return factory(runtime, { file, source }, dependencies);
}
