/** The kinds of expression token. */
export type TokenKind = "number" | "string" | "identifier" | "punct" | "eof";

/** One expression token; offsets are into the whole template source. */
export interface Token {
  kind: TokenKind;
  /** The punctuator or identifier text, the decoded string, or the number's source. */
  value: string;
  /** The number's value when `kind` is `"number"`. */
  number?: number;
  start: number;
  end: number;
}

/** Raised by the lexer and parser with the offending offset; the compiler adds file context. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// Longest first, so `===` wins over `==` and `?.` over `?`.
const PUNCTUATORS = [
  "===",
  "!==",
  "...",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  ".",
  ",",
  ":",
  "?",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "<",
  ">",
];

const IDENTIFIER = /[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*/uy;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/**
 * Splits the expression in `source[start, end)` into tokens. Offsets stay relative to the whole
 * source so errors point at the right line and column of the template file.
 */
export function tokenize(source: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = source[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const token = readString(source, i, end);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (c === "`") throw new ExpressionError("Template literals are not supported; use + to join strings", i);
    // `.5` is a number, but `items.0` is a (refused) property access after a value.
    if ((c >= "0" && c <= "9") || (c === "." && /\d/.test(source[i + 1] ?? "") && !followsValue(tokens))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(source)!;
      const text = match[0];
      if (IDENTIFIER_START.test(source[i + text.length] ?? ""))
        throw new ExpressionError(`Invalid number "${text}${source[i + text.length]}"`, i);
      tokens.push({ kind: "number", value: text, number: Number(text), start: i, end: i + text.length });
      i += text.length;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const word = IDENTIFIER.exec(source);
    if (word !== null && word.index === i) {
      const text = word[0].slice(0, end - i);
      tokens.push({ kind: "identifier", value: text, start: i, end: i + text.length });
      i += text.length;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, i) && i + p.length <= end);
    // `a?.5:1` is a ternary with `.5`, not optional chaining.
    if (punct !== undefined && !(punct === "?." && /\d/.test(source[i + 2] ?? ""))) {
      tokens.push({ kind: "punct", value: punct, start: i, end: i + punct.length });
      i += punct.length;
      continue;
    }
    if (punct === "?.") {
      tokens.push({ kind: "punct", value: "?", start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === "=") throw new ExpressionError("Assignment is not allowed in expressions; use @set", i);
    throw new ExpressionError(`Unexpected character "${c}"`, i);
  }
  tokens.push({ kind: "eof", value: "", start: end, end });
  return tokens;
}

const IDENTIFIER_START = /[\p{ID_Start}_$]/u;

function followsValue(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  if (last.kind === "punct") return last.value === ")" || last.value === "]" || last.value === "}";
  return true;
}

function readString(source: string, start: number, end: number): Token {
  const quote = source[start]!;
  let value = "";
  let i = start + 1;
  while (i < end) {
    const c = source[i]!;
    if (c === quote) return { kind: "string", value, start, end: i + 1 };
    if (c === "\n") break;
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const next = source[i + 1];
    if (next === undefined || i + 1 >= end) break;
    if (next === "u") {
      const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 2, i + 10));
      const plain = /^[0-9a-fA-F]{4}/.exec(source.slice(i + 2, i + 6));
      const hex = braced ? braced[1]! : plain?.[0];
      const code = hex === undefined ? Number.NaN : Number.parseInt(hex, 16);
      if (Number.isNaN(code) || code > 0x10ffff) throw new ExpressionError("Invalid \\u escape in string", i);
      value += String.fromCodePoint(code);
      i += 2 + (braced ? braced[0].length : 4);
      continue;
    }
    if (next === "x") {
      const hex = /^[0-9a-fA-F]{2}/.exec(source.slice(i + 2, i + 4));
      if (!hex) throw new ExpressionError("Invalid \\x escape in string", i);
      value += String.fromCharCode(Number.parseInt(hex[0], 16));
      i += 4;
      continue;
    }
    if (next === "\n") {
      i += 2;
      continue;
    }
    value += SIMPLE_ESCAPES[next] ?? next;
    i += 2;
  }
  throw new ExpressionError("Unterminated string", start);
}
