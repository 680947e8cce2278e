import type { Expression } from "../expression/ast";
import type { BlockNode, ForNode, IncludeNode, TemplateAst, TemplateNode } from "../template/ast";
import { generateExpression, type NameResolver } from "./expressions";

interface LoopFrame {
  names: Map<string, string>;
  /** The variable of this loop's `loop` object, and whether the body used it. */
  meta: string;
  metaUsed: boolean;
}

/**
 * Generates the body of a template's render function from its syntax tree.
 *
 * The function receives `data`, the render state and the blocks of a child template. Output
 * is one string built with `+=`; data keys the template reads are loaded once into local
 * variables at the start, `@set` assigns to those variables, and loop variables are block
 * scoped. `$pos` tracks the source offset of the expression being evaluated so runtime
 * errors point at the right line.
 */
export class CodeGenerator implements NameResolver {
  private readonly variables = new Map<string, string>();
  private readonly plugins = new Map<string, string>();
  private readonly loops: LoopFrame[] = [];
  private counter = 0;

  constructor(
    private readonly ast: TemplateAst,
    private readonly fail: (reason: string, offset: number) => never,
    /** Names that exist on `Object.prototype`: read as own properties only. */
    private readonly inherited: (name: string) => boolean = (name) => name in Object.prototype,
  ) {}

  /** The complete source of the render function. */
  generate(): string {
    for (const name of this.ast.assigned) this.variable(name);
    const layout = this.ast.layout;
    let body: string;
    if (layout === undefined) {
      body = `${this.nodes(this.ast.body, false)}return $out;\n`;
    } else {
      body = `const $filled = Object.create(null);\n${this.nodes(this.ast.body, true)}`;
      const params = layout.params === undefined ? "undefined" : this.expression(layout.params);
      body +=
        `$pos = ${layout.start};\n` +
        `return $include($deps[${layout.dependency}], $scope(data, ${this.localsObject(false)}, ${params}), $state, Object.assign(Object.create(null), $blocks, $filled));\n`;
    }
    const declarations = [...this.variables].map(([name, variable]) => {
      const read = this.inherited(name) ? `$own(data, ${JSON.stringify(name)})` : `data${member(name)}`;
      return `${variable} = ${read}`;
    });
    const pluginReads = [...this.plugins].map(
      ([name, variable]) => `${variable} = $plugins[${JSON.stringify(name)}]`,
    );
    return (
      `const $plugins = $state.plugins, $context = $state.context;\n` +
      `let $out = "", $pos = 0;\n` +
      `try {\n` +
      (declarations.length > 0 ? `let ${declarations.join(", ")};\n` : "") +
      (pluginReads.length > 0 ? `const ${pluginReads.join(", ")};\n` : "") +
      body +
      `} catch ($error) {\n  throw $fail($error, $meta, $pos);\n}\n`
    );
  }

  variable(name: string): string {
    for (let i = this.loops.length - 1; i >= 0; i--) {
      const frame = this.loops[i]!;
      const local = frame.names.get(name);
      if (local !== undefined) {
        if (local === frame.meta) frame.metaUsed = true;
        return local;
      }
    }
    let variable = this.variables.get(name);
    if (variable === undefined) {
      variable = `v${this.variables.size}`;
      this.variables.set(name, variable);
    }
    return variable;
  }

  plugin(name: string): string {
    let variable = this.plugins.get(name);
    if (variable === undefined) {
      variable = `p${this.plugins.size}`;
      this.plugins.set(name, variable);
    }
    return variable;
  }

  error(reason: string, offset: number): never {
    return this.fail(reason, offset);
  }

  private expression(node: Expression): string {
    return generateExpression(node, this);
  }

  /** Statements for `nodes`. In collect mode (a template with @layout) only blocks produce output. */
  private nodes(nodes: TemplateNode[], collect: boolean): string {
    let code = "";
    let text = "";
    const flushText = () => {
      if (text !== "") code += `$out += ${JSON.stringify(text)};\n`;
      text = "";
    };
    for (const node of nodes) {
      if (node.type === "Text") {
        if (!collect) text += node.value;
        continue;
      }
      if (node.type === "Output" && !collect && node.expression.type === "Literal") {
        text += Bun.escapeHTML(node.expression.value == null ? "" : String(node.expression.value));
        continue;
      }
      flushText();
      code += this.node(node, collect);
    }
    flushText();
    return code;
  }

  private node(node: TemplateNode, collect: boolean): string {
    switch (node.type) {
      case "Text":
        return "";
      case "Output": {
        if (collect) return "";
        const expression = node.expression;
        if (isRawCall(expression))
          return `$pos = ${expression.start};\n$out += $unescaped(${this.expression(expression.args[0] as Expression)});\n`;
        return `$pos = ${expression.start};\n$out += $escape(${this.expression(expression)});\n`;
      }
      case "Set":
        return `$pos = ${node.expression.start};\n${this.variable(node.name)} = ${this.expression(node.expression)};\n`;
      case "If": {
        let code = "";
        node.branches.forEach((branch, index) => {
          const test = `($pos = ${branch.test.start}, ${this.expression(branch.test)})`;
          code += `${index === 0 ? "if" : " else if"} (${test}) {\n${this.nodes(branch.body, collect)}}`;
        });
        if (node.otherwise !== undefined) code += ` else {\n${this.nodes(node.otherwise, collect)}}`;
        return `${code}\n`;
      }
      case "For":
        return this.loop(node, collect);
      case "Yield": {
        if (collect) return "";
        const name = JSON.stringify(node.name);
        const fallback =
          node.fallback === undefined
            ? `""`
            : `($pos = ${node.start}, $escape(${this.expression(node.fallback)}))`;
        return `$out += $blocks !== undefined && $blocks[${name}] !== undefined ? $blocks[${name}] : ${fallback};\n`;
      }
      case "Block":
        return this.block(node, collect);
      case "Include":
        return collect ? "" : this.include(node);
    }
  }

  private loop(node: ForNode, collect: boolean): string {
    const id = ++this.counter;
    const items = `$items${id}`;
    const index = `$i${id}`;
    const frame: LoopFrame = { names: new Map(), meta: `$loop${id}`, metaUsed: false };
    frame.names.set("loop", frame.meta);
    const value = `l${id}`;
    const key = `k${id}`;
    if (node.key !== undefined) frame.names.set(node.key, key);
    frame.names.set(node.value, value);
    const source = `($pos = ${node.iterable.start}, ${node.key === undefined ? "$list" : "$pairs"}(${this.expression(node.iterable)}))`;
    this.loops.push(frame);
    const body = this.nodes(node.body, collect);
    this.loops.pop();
    const otherwise =
      node.otherwise === undefined
        ? ""
        : `if (${items}.length === 0) {\n${this.nodes(node.otherwise, collect)}}\n`;
    const bind =
      node.key === undefined
        ? `let ${value} = ${items}[${index}];\n`
        : `let ${key} = ${items}[${index}][0], ${value} = ${items}[${index}][1];\n`;
    const meta = frame.metaUsed
      ? `let ${frame.meta} = { index: ${index}, number: ${index} + 1, first: ${index} === 0, last: ${index} === ${items}.length - 1, length: ${items}.length };\n`
      : "";
    return (
      `{\nconst ${items} = ${source};\n` +
      `for (let ${index} = 0; ${index} < ${items}.length; ${index}++) {\n${bind}${meta}${body}}\n${otherwise}}\n`
    );
  }

  private block(node: BlockNode, collect: boolean): string {
    const name = JSON.stringify(node.name);
    const given = `$blocks !== undefined && $blocks[${name}] !== undefined`;
    if (!collect)
      return `if (${given}) $out += $blocks[${name}];\nelse {\n${this.nodes(node.body, false)}}\n`;
    const saved = `$saved${++this.counter}`;
    return (
      `if (${given}) $filled[${name}] = $blocks[${name}];\n` +
      `else {\nconst ${saved} = $out;\n$out = "";\n${this.nodes(node.body, false)}$filled[${name}] = $out;\n$out = ${saved};\n}\n`
    );
  }

  private include(node: IncludeNode): string {
    const target = `$deps[${node.dependency}]`;
    let data: string;
    if (node.kind === "component") {
      // Components are isolated: they see their props (and the plugins), nothing else.
      data = node.props === undefined ? "$empty" : `$props(${this.expression(node.props)})`;
    } else {
      const props = node.props === undefined ? "undefined" : this.expression(node.props);
      data = `$scope(data, ${this.localsObject(true)}, ${props})`;
    }
    return `$pos = ${node.start};\n$out += $include(${target}, ${data}, $state);\n`;
  }

  /** An object literal of the `@set` locals (and, for imports, the loop variables in scope). */
  private localsObject(withLoops: boolean): string {
    const entries = new Map<string, string>();
    for (const name of this.ast.assigned) entries.set(name, this.variables.get(name)!);
    if (withLoops) {
      for (const frame of this.loops) {
        for (const [name, variable] of frame.names) if (variable !== frame.meta) entries.set(name, variable);
      }
    }
    if (entries.size === 0) return "$empty";
    return `{${[...entries].map(([name, variable]) => `${JSON.stringify(name)}: ${variable}`).join(", ")}}`;
  }
}

function isRawCall(node: Expression): node is Expression & { type: "Call"; args: Expression[] } {
  return (
    node.type === "Call" &&
    node.callee.type === "Identifier" &&
    node.callee.name === "raw" &&
    node.args.length === 1 &&
    node.args[0]!.type !== "Spread"
  );
}

function member(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
