import type { Argument, Expression } from "../expression/ast";
import { BLOCKED_PROPERTIES } from "../runtime";

/** How the expression generator reaches names; implemented by the template generator. */
export interface NameResolver {
  /** The JavaScript variable holding `name` (a loop variable, `@set` local or data key). */
  variable(name: string): string;
  /** The JavaScript variable holding the plugin `name` for this render. */
  plugin(name: string): string;
  /** Raises a located compile error. */
  error(reason: string, offset: number): never;
}

const PLAIN_PROPERTY = /^[A-Za-z_$][\w$]*$/;

/**
 * Turns an expression tree into JavaScript. The output refers only to variables the resolver
 * hands out and to runtime helpers (`$key`, `$method`, `$callable`), so a template reaches the
 * data, its locals and the plugins — never a global, and never a blocked property.
 */
export function generateExpression(node: Expression, names: NameResolver): string {
  switch (node.type) {
    case "Literal":
      return literal(node.value);
    case "Identifier":
      return names.variable(node.name);
    case "Member": {
      const object = generateExpression(node.object, names);
      if (node.name !== undefined) return `${object}?.${property(node.name, node.start, names)}`;
      const key = node.key!;
      if (key.type === "Literal" && (typeof key.value === "string" || typeof key.value === "number"))
        return `${object}?.[${JSON.stringify(checkedName(String(key.value), key.start, names))}]`;
      return `${object}?.[$key(${generateExpression(key, names)})]`;
    }
    case "Call":
      return call(node.callee, node.args, names);
    case "Unary":
      return `(${node.operator}${generateExpression(node.argument, names)})`;
    case "Binary":
      return `(${generateExpression(node.left, names)} ${node.operator} ${generateExpression(node.right, names)})`;
    case "Conditional":
      return `(${generateExpression(node.test, names)} ? ${generateExpression(node.consequent, names)} : ${generateExpression(node.alternate, names)})`;
    case "Array":
      return `[${argumentList(node.elements, names)}]`;
    case "Object": {
      const parts = node.properties.map((entry) => {
        if (entry.kind === "spread") return `...${generateExpression(entry.argument, names)}`;
        const value = generateExpression(entry.value, names);
        if (entry.kind === "computed") return `[$key(${generateExpression(entry.key, names)})]: ${value}`;
        // A literal `__proto__` key would set the prototype, so blocked names are refused here too.
        return `${JSON.stringify(checkedName(entry.name, entry.start, names))}: ${value}`;
      });
      return `({${parts.join(", ")}})`;
    }
  }
}

function call(callee: Expression, args: Argument[], names: NameResolver): string {
  const list = argumentList(args, names);
  if (callee.type === "Identifier") {
    // Plugins first, then a function of that name in the data or locals.
    const plugin = names.plugin(callee.name);
    const fallback = `$callable(${names.variable(callee.name)}, ${JSON.stringify(callee.name)})`;
    return `(${plugin} !== undefined ? ${plugin} : ${fallback}).call($context${list === "" ? "" : `, ${list}`})`;
  }
  if (callee.type === "Member") {
    const object = generateExpression(callee.object, names);
    const name =
      callee.name !== undefined
        ? JSON.stringify(checkedName(callee.name, callee.start, names))
        : `$key(${generateExpression(callee.key!, names)})`;
    return `$method(${object}, ${name}, [${list}])`;
  }
  return `$callable(${generateExpression(callee, names)}, "expression")(${list})`;
}

function argumentList(args: Argument[], names: NameResolver): string {
  return args
    .map((arg) =>
      arg.type === "Spread"
        ? `...${generateExpression(arg.argument, names)}`
        : generateExpression(arg, names),
    )
    .join(", ");
}

function property(name: string, offset: number, names: NameResolver): string {
  checkedName(name, offset, names);
  return PLAIN_PROPERTY.test(name) ? name : `[${JSON.stringify(name)}]`;
}

function checkedName(name: string, offset: number, names: NameResolver): string {
  if (BLOCKED_PROPERTIES.has(name)) names.error(`Access to "${name}" is not allowed in templates`, offset);
  return name;
}

function literal(value: string | number | boolean | null | undefined): string {
  if (value === undefined) return "(void 0)";
  if (typeof value === "number") {
    if (Number.isFinite(value)) return `(${value})`;
    return value > 0 ? "(1 / 0)" : "(-1 / 0)";
  }
  return JSON.stringify(value);
}
