import type { Argument, BinaryOperator, Expression, ObjectProperty } from "./ast";
import { ExpressionError, type Token, tokenize } from "./lexer";

// Binding power of each binary operator; higher binds tighter.
const PRECEDENCE: Partial<Record<string, number>> = {
  "??": 1,
  "||": 2,
  "&&": 3,
  "==": 4,
  "!=": 4,
  "===": 4,
  "!==": 4,
  "<": 5,
  "<=": 5,
  ">": 5,
  ">=": 5,
  "+": 6,
  "-": 6,
  "*": 7,
  "/": 7,
  "%": 7,
};

const KEYWORD_LITERALS: Record<string, boolean | null | undefined> = {
  true: true,
  false: false,
  null: null,
  undefined: undefined,
};

/**
 * A recursive-descent parser over the tokens of one expression. It knows only the template
 * language's expressions: there is no assignment, function literal, `new`, `this` or
 * keyword that reaches the host runtime.
 */
export class ExpressionParser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(source: string, start: number, end: number) {
    this.tokens = tokenize(source, start, end);
  }

  /** The next token, without consuming it. */
  peek(): Token {
    return this.tokens[this.index]!;
  }

  /** Whether every token was consumed. */
  atEnd(): boolean {
    return this.peek().kind === "eof";
  }

  /** Consumes the next token. */
  next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== "eof") this.index++;
    return token;
  }

  /** Consumes the punctuator `value` if it comes next. */
  eat(value: string): boolean {
    const token = this.peek();
    if (token.kind === "punct" && token.value === value) {
      this.index++;
      return true;
    }
    return false;
  }

  /** Consumes the punctuator `value` or fails with `what` in the message. */
  expect(value: string, what = `"${value}"`): Token {
    const token = this.peek();
    if (token.kind === "punct" && token.value === value) return this.next();
    throw new ExpressionError(`Expected ${what} but found ${describe(token)}`, token.start);
  }

  /** Consumes an identifier or fails. */
  identifier(what = "a name"): Token {
    const token = this.peek();
    if (token.kind !== "identifier")
      throw new ExpressionError(`Expected ${what} but found ${describe(token)}`, token.start);
    return this.next();
  }

  /** Fails unless every token was consumed. */
  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== "eof") throw new ExpressionError(`Unexpected ${describe(token)}`, token.start);
  }

  /** Parses one full expression (ternary level). */
  expression(): Expression {
    const test = this.binary(1);
    if (!this.eat("?")) return test;
    const consequent = this.expression();
    this.expect(":", '":" of the ternary');
    const alternate = this.expression();
    return { type: "Conditional", test, consequent, alternate, start: test.start };
  }

  /** Parses a comma-separated list of expressions until the end of input. */
  list(): Expression[] {
    const items: Expression[] = [];
    if (this.atEnd()) return items;
    do items.push(this.expression());
    while (this.eat(","));
    this.expectEnd();
    return items;
  }

  private binary(minPrecedence: number): Expression {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      const precedence = token.kind === "punct" ? PRECEDENCE[token.value] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const right = this.binary(precedence + 1);
      left = { type: "Binary", operator: token.value as BinaryOperator, left, right, start: left.start };
    }
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === "punct" && (token.value === "!" || token.value === "-" || token.value === "+")) {
      this.next();
      return { type: "Unary", operator: token.value, argument: this.unary(), start: token.start };
    }
    return this.postfix(this.primary());
  }

  private postfix(expression: Expression): Expression {
    for (;;) {
      const token = this.peek();
      if (token.kind !== "punct") return expression;
      if (token.value === "." || token.value === "?.") {
        this.next();
        // `a?.[k]` and `a?.(x)` are the optional forms of indexing and calling.
        if (token.value === "?." && this.peek().kind === "punct") {
          const follow = this.peek().value;
          if (follow === "[" || follow === "(") continue;
        }
        if (this.peek().kind === "number")
          throw new ExpressionError(
            `Expected a property name after "."; use [${this.peek().value}] for an index`,
            this.peek().start,
          );
        const name = this.identifier('a property name after "."');
        expression = { type: "Member", object: expression, name: name.value, start: name.start };
      } else if (token.value === "[") {
        this.next();
        const key = this.expression();
        this.expect("]");
        expression = { type: "Member", object: expression, key, start: token.start };
      } else if (token.value === "(") {
        this.next();
        expression = { type: "Call", callee: expression, args: this.arguments(")"), start: expression.start };
      } else {
        return expression;
      }
    }
  }

  private arguments(close: string): Argument[] {
    const args: Argument[] = [];
    while (!this.eat(close)) {
      const token = this.peek();
      if (this.eat("...")) args.push({ type: "Spread", argument: this.expression(), start: token.start });
      else args.push(this.expression());
      if (!this.eat(",")) {
        this.expect(close);
        break;
      }
    }
    return args;
  }

  private primary(): Expression {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { type: "Literal", value: token.number!, start: token.start };
      case "string":
        return { type: "Literal", value: token.value, start: token.start };
      case "identifier":
        if (Object.hasOwn(KEYWORD_LITERALS, token.value))
          return { type: "Literal", value: KEYWORD_LITERALS[token.value], start: token.start };
        return { type: "Identifier", name: token.value, start: token.start };
      case "punct":
        if (token.value === "(") {
          const inner = this.expression();
          this.expect(")");
          return inner;
        }
        if (token.value === "[") return { type: "Array", elements: this.arguments("]"), start: token.start };
        if (token.value === "{") return this.object(token.start);
        break;
    }
    throw new ExpressionError(
      token.kind === "eof" ? "Expected an expression" : `Unexpected ${describe(token)}`,
      token.start,
    );
  }

  private object(start: number): Expression {
    const properties: ObjectProperty[] = [];
    while (!this.eat("}")) {
      const token = this.next();
      if (token.kind === "punct" && token.value === "...") {
        properties.push({ kind: "spread", argument: this.expression(), start: token.start });
      } else if (token.kind === "punct" && token.value === "[") {
        const key = this.expression();
        this.expect("]");
        this.expect(":");
        properties.push({ kind: "computed", key, value: this.expression(), start: token.start });
      } else if (token.kind === "identifier" || token.kind === "string" || token.kind === "number") {
        const name = token.kind === "number" ? String(token.number) : token.value;
        if (this.eat(":")) {
          properties.push({ kind: "named", name, value: this.expression(), start: token.start });
        } else if (token.kind === "identifier") {
          // Shorthand `{ user }` means `{ user: user }`.
          properties.push({
            kind: "named",
            name,
            value: { type: "Identifier", name, start: token.start },
            start: token.start,
          });
        } else {
          throw new ExpressionError(`Expected ":" after the key ${describe(token)}`, this.peek().start);
        }
      } else {
        throw new ExpressionError(`Unexpected ${describe(token)} in an object literal`, token.start);
      }
      if (!this.eat(",")) {
        this.expect("}", '"," or "}"');
        break;
      }
    }
    return { type: "Object", properties, start };
  }
}

function describe(token: Token): string {
  if (token.kind === "eof") return "the end of the expression";
  if (token.kind === "string") return `string ${JSON.stringify(token.value)}`;
  return `"${token.value}"`;
}

/** Parses `source[start, end)` as a single expression. */
export function parseExpression(source: string, start: number, end: number): Expression {
  const parser = new ExpressionParser(source, start, end);
  if (parser.atEnd()) throw new ExpressionError("Expected an expression", start);
  const expression = parser.expression();
  parser.expectEnd();
  return expression;
}

/** Parses `source[start, end)` as a comma-separated argument list (possibly empty). */
export function parseArgumentList(source: string, start: number, end: number): Expression[] {
  return new ExpressionParser(source, start, end).list();
}
