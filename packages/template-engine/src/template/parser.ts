import { syntaxError } from "../errors";
import type { Expression } from "../expression/ast";
import { ExpressionError } from "../expression/lexer";
import { ExpressionParser, parseArgumentList, parseExpression } from "../expression/parser";
import type { BlockNode, ForNode, IfNode, LayoutNode, TemplateAst, TemplateNode } from "./ast";
import { type DirectiveName, scanTemplate, type TemplateToken } from "./scanner";

type DirectiveToken = Extract<TemplateToken, { type: "directive" }>;

interface Frame {
  kind: "root" | "if" | "for" | "block";
  node: IfNode | ForNode | BlockNode | undefined;
  body: TemplateNode[];
  start: number;
  sawElse: boolean;
}

const CLOSERS: Record<Exclude<Frame["kind"], "root">, string> = {
  if: "@endif",
  for: "@endfor",
  block: "@endblock",
};

const SET_HEADER = /^\s*([\p{ID_Start}_$][\p{ID_Continue}$]*)\s*=(?!=)/u;

/** Parses a template's source into its syntax tree. `file` is used in error messages. */
export function parseTemplate(source: string, file: string): TemplateAst {
  return new TemplateParser(source, file).parse();
}

class TemplateParser {
  private readonly root: Frame = { kind: "root", node: undefined, body: [], start: 0, sawElse: false };
  private readonly stack: Frame[] = [this.root];
  private layout: LayoutNode | undefined;
  private readonly blockNames = new Set<string>();
  private readonly assigned = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly file: string,
  ) {}

  parse(): TemplateAst {
    for (const token of scanTemplate(this.source, this.file)) {
      if (token.type === "text") this.top.body.push({ type: "Text", value: token.value });
      else if (token.type === "output") {
        const expression = this.expression(token.exprStart, token.exprEnd, "{{ }}");
        this.top.body.push({ type: "Output", expression, start: token.exprStart });
      } else this.directive(token);
    }
    const open = this.top;
    if (open.kind !== "root") {
      throw this.error(`@${open.kind} is never closed; add ${CLOSERS[open.kind]}`, open.start);
    }
    return { body: this.root.body, layout: this.layout, assigned: this.assigned };
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private directive(token: DirectiveToken): void {
    const { name, start } = token;
    switch (name) {
      case "if": {
        const node: IfNode = { type: "If", branches: [], otherwise: undefined, start };
        node.branches.push({ test: this.condition(token), body: [], start });
        this.top.body.push(node);
        this.stack.push({ kind: "if", node, body: node.branches[0]!.body, start, sawElse: false });
        return;
      }
      case "elseif": {
        const frame = this.expectOpen("if", name, start);
        if (frame.sawElse) throw this.error("@elseif after @else", start);
        const branch = { test: this.condition(token), body: [] as TemplateNode[], start };
        (frame.node as IfNode).branches.push(branch);
        frame.body = branch.body;
        return;
      }
      case "else": {
        const frame = this.top;
        if ((frame.kind !== "if" && frame.kind !== "for") || frame.sawElse)
          throw this.error("@else must be inside @if or @for, once", start);
        const otherwise: TemplateNode[] = [];
        (frame.node as IfNode | ForNode).otherwise = otherwise;
        frame.body = otherwise;
        frame.sawElse = true;
        return;
      }
      case "for": {
        const node = this.forHeader(token);
        this.top.body.push(node);
        this.stack.push({ kind: "for", node, body: node.body, start, sawElse: false });
        return;
      }
      case "block": {
        const [nameArg] = this.arguments(token, 1, 1);
        const blockName = this.literalName(nameArg!, name);
        if (this.blockNames.has(blockName))
          throw this.error(`@block("${blockName}") is defined twice`, start);
        this.blockNames.add(blockName);
        const node: BlockNode = { type: "Block", name: blockName, body: [], start };
        this.top.body.push(node);
        this.stack.push({ kind: "block", node, body: node.body, start, sawElse: false });
        return;
      }
      case "endif":
      case "endfor":
      case "endblock":
        this.expectOpen(name.slice(3) as Frame["kind"], name, start);
        this.stack.pop();
        return;
      case "set":
        this.top.body.push(this.setDirective(token));
        return;
      case "endset":
        throw this.error("@endset without a matching @set", start);
      case "layout": {
        if (this.top.kind !== "root")
          throw this.error("@layout must be at the top level of the template", start);
        if (this.layout) throw this.error("A template can have only one @layout", start);
        const [nameArg, params] = this.arguments(token, 1, 2);
        this.layout = { name: this.literalName(nameArg!, name), params, start };
        return;
      }
      case "yield": {
        const [nameArg, fallback] = this.arguments(token, 1, 2);
        this.top.body.push({ type: "Yield", name: this.literalName(nameArg!, name), fallback, start });
        return;
      }
      case "import":
      case "component": {
        const [nameArg, props] = this.arguments(token, 1, 2);
        this.top.body.push({
          type: "Include",
          kind: name,
          name: this.literalName(nameArg!, name),
          props,
          start,
        });
        return;
      }
    }
  }

  private expectOpen(kind: Frame["kind"], name: DirectiveName, start: number): Frame {
    const frame = this.top;
    if (frame.kind === kind) return frame;
    const open =
      frame.kind === "root"
        ? "nothing is open"
        : `@${frame.kind} is still open (needs ${CLOSERS[frame.kind]})`;
    throw this.error(`Unexpected @${name}: ${open}`, start);
  }

  private condition(token: DirectiveToken): Expression {
    if (token.argStart === token.argEnd || this.source.slice(token.argStart, token.argEnd).trim() === "")
      throw this.error(`@${token.name} needs a condition`, token.start);
    return this.expression(token.argStart, token.argEnd, `@${token.name}`, !token.parenthesized);
  }

  private forHeader(token: DirectiveToken): ForNode {
    const hint = lineHint(token);
    try {
      const parser = new ExpressionParser(this.source, token.argStart, token.argEnd);
      let key: string | undefined;
      let value: string;
      if (parser.eat("[")) {
        key = parser.identifier("the key name").value;
        parser.expect(",");
        value = parser.identifier("the value name").value;
        parser.expect("]");
      } else {
        value = parser.identifier("the loop variable").value;
      }
      const keyword = parser.next();
      if (keyword.kind !== "identifier" || keyword.value !== "in")
        throw new ExpressionError(
          'Expected "in" after the loop variable, as in @for item in items',
          keyword.start,
        );
      const iterable = parser.expression();
      parser.expectEnd();
      return { type: "For", key, value, iterable, body: [], otherwise: undefined, start: token.start };
    } catch (error) {
      throw this.wrap(error, `@for${hint}`);
    }
  }

  private setDirective(token: DirectiveToken): TemplateNode {
    const header = SET_HEADER.exec(this.source.slice(token.argStart, token.argEnd));
    if (!header)
      throw this.error('@set needs "name = value", as in @set title = "Home" @endset', token.start);
    const name = header[1]!;
    const expression = this.expression(token.argStart + header[0].length, token.argEnd, "@set");
    this.assigned.add(name);
    return { type: "Set", name, expression, start: token.start };
  }

  private arguments(token: DirectiveToken, min: number, max: number): (Expression | undefined)[] {
    let args: Expression[];
    try {
      args = parseArgumentList(this.source, token.argStart, token.argEnd);
    } catch (error) {
      throw this.wrap(error, `@${token.name}`);
    }
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : `${min} or ${max}`;
      throw this.error(`@${token.name} takes ${expected} argument(s), got ${args.length}`, token.start);
    }
    return args;
  }

  private literalName(expression: Expression, directive: string): string {
    if (expression.type !== "Literal" || typeof expression.value !== "string" || expression.value === "")
      throw this.error(`The name in @${directive}(...) must be a non-empty string literal`, expression.start);
    return expression.value;
  }

  private expression(start: number, end: number, where: string, lineForm = false): Expression {
    try {
      return parseExpression(this.source, start, end);
    } catch (error) {
      throw this.wrap(error, `${where}${lineForm ? LINE_FORM_HINT(where) : ""}`);
    }
  }

  private wrap(error: unknown, where: string): Error {
    if (error instanceof ExpressionError) return this.error(`${error.message} in ${where}`, error.offset);
    return error as Error;
  }

  private error(reason: string, offset: number): Error {
    return syntaxError(reason, this.file, this.source, offset);
  }
}

const LINE_FORM_HINT = (where: string) =>
  ` (its condition runs to the end of the line; write ${where}(condition) to put content after it on the same line)`;

function lineHint(token: DirectiveToken): string {
  return token.parenthesized
    ? ""
    : " (the loop header runs to the end of the line; write @for(item in items) to put content after it on the same line)";
}
