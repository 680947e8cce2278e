/** Expression syntax tree. Every node keeps its start offset into the template source. */
export type Expression =
  | LiteralNode
  | IdentifierNode
  | MemberNode
  | CallNode
  | UnaryNode
  | BinaryNode
  | ConditionalNode
  | ArrayNode
  | ObjectNode;

/** A string, number, boolean, `null` or `undefined`. */
export interface LiteralNode {
  type: "Literal";
  value: string | number | boolean | null | undefined;
  start: number;
}

/** A name: a `@set` local, a loop variable, a data key or (when called) a plugin. */
export interface IdentifierNode {
  type: "Identifier";
  name: string;
  start: number;
}

/** `object.name` or `object[expression]`; always null-safe. */
export interface MemberNode {
  type: "Member";
  object: Expression;
  /** The property name for `object.name`. */
  name?: string;
  /** The key expression for `object[key]`. */
  key?: Expression;
  start: number;
}

/** `callee(args)`. */
export interface CallNode {
  type: "Call";
  callee: Expression;
  args: Argument[];
  start: number;
}

/** `!x`, `-x`, `+x`. */
export interface UnaryNode {
  type: "Unary";
  operator: "!" | "-" | "+";
  argument: Expression;
  start: number;
}

/** Binary operators: arithmetic, comparison, logical and `??`. */
export interface BinaryNode {
  type: "Binary";
  operator: BinaryOperator;
  left: Expression;
  right: Expression;
  start: number;
}

/** The binary operators the language knows. */
export type BinaryOperator =
  | "??"
  | "||"
  | "&&"
  | "=="
  | "!="
  | "==="
  | "!=="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

/** `test ? consequent : alternate`. */
export interface ConditionalNode {
  type: "Conditional";
  test: Expression;
  consequent: Expression;
  alternate: Expression;
  start: number;
}

/** `[a, b, ...rest]`. */
export interface ArrayNode {
  type: "Array";
  elements: Argument[];
  start: number;
}

/** `{ key: value, "quoted": value, [computed]: value, shorthand, ...spread }`. */
export interface ObjectNode {
  type: "Object";
  properties: ObjectProperty[];
  start: number;
}

/** One entry of an object literal. */
export type ObjectProperty =
  | { kind: "named"; name: string; value: Expression; start: number }
  | { kind: "computed"; key: Expression; value: Expression; start: number }
  | { kind: "spread"; argument: Expression; start: number };

/** A call argument or array element, possibly spread. */
export type Argument = Expression | { type: "Spread"; argument: Expression; start: number };
