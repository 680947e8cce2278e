import { syntaxError } from "../errors";

/** The directives of the language (`@if`, `@for`, ...). */
export type DirectiveName =
  | "if"
  | "elseif"
  | "else"
  | "endif"
  | "for"
  | "endfor"
  | "set"
  | "endset"
  | "layout"
  | "yield"
  | "block"
  | "endblock"
  | "import"
  | "component";

/** One lexical piece of a template. Offsets index the template source. */
export type TemplateToken =
  | { type: "text"; value: string; start: number; end: number }
  | { type: "output"; exprStart: number; exprEnd: number; start: number; end: number }
  | {
      type: "directive";
      name: DirectiveName;
      /** Start and end of the directive's argument text (a condition, a header or the inside of its parentheses). */
      argStart: number;
      argEnd: number;
      /** Whether the arguments came in parentheses right after the keyword (`@if(x)`). */
      parenthesized: boolean;
      start: number;
      end: number;
    };

const DIRECTIVE =
  /@(elseif|else|endif|if|endfor|for|endset|set|layout|yield|endblock|block|import|component)(?![\p{ID_Continue}$])/uy;
const NO_ARGUMENTS = new Set<DirectiveName>(["else", "endif", "endfor", "endset", "endblock"]);
const LINE_HEADER = new Set<DirectiveName>(["if", "elseif", "for"]);
const CLOSING = new Set<DirectiveName>(["else", "elseif", "endif", "endfor", "endset", "endblock"]);
const WORD_BEFORE = /[\p{ID_Continue}$.]/u;

/**
 * Splits a template into text, `{{ output }}` tags and `@directives`, dropping `##` comment
 * lines. A directive alone on its line takes the line's indentation and line break with it,
 * so control flow leaves no blank lines behind.
 */
export function scanTemplate(source: string, file: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  // Directives that stand alone on their line, and line-form headers not alone on theirs (whose
  // line break still ends the header, so it is dropped), by token index.
  const standalone: boolean[] = [];
  const endsLine: boolean[] = [];
  let text = "";
  let textStart = 0;
  let i = 0;

  const flushText = (end: number) => {
    if (text !== "") tokens.push({ type: "text", value: text, start: textStart, end });
    text = "";
  };
  const push = (token: TemplateToken, isStandalone: boolean, isLineHeader: boolean) => {
    flushText(token.start);
    standalone[tokens.length] = isStandalone;
    endsLine[tokens.length] = isLineHeader;
    tokens.push(token);
    textStart = token.end;
  };

  while (i < source.length) {
    const c = source[i]!;
    if (i === 0 || source[i - 1] === "\n") {
      const comment = commentAt(source, i);
      if (comment !== undefined) {
        // A comment line vanishes whole, line break included.
        i = comment;
        continue;
      }
    }
    if (c === "\\" && source.startsWith("{{", i + 1)) {
      text += "{{";
      i += 3;
      continue;
    }
    if (c === "{" && source[i + 1] === "{") {
      const close = findOutputEnd(source, i + 2, file);
      push({ type: "output", exprStart: i + 2, exprEnd: close, start: i, end: close + 2 }, false, false);
      i = close + 2;
      continue;
    }
    if (c === "@" && source[i - 1] !== "@") {
      DIRECTIVE.lastIndex = i + (source[i + 1] === "@" ? 1 : 0);
      let match = DIRECTIVE.exec(source);
      if (match !== null && source[i + 1] === "@") {
        // `@@if` is the escape for a literal `@if`.
        text += match[0];
        i = DIRECTIVE.lastIndex;
        continue;
      }
      // After a letter, only closing keywords count (`yes@else`, `on@endif`), so that
      // addresses such as `me@import.io` stay text.
      if (
        match !== null &&
        i > 0 &&
        WORD_BEFORE.test(source[i - 1]!) &&
        !CLOSING.has(match[1] as DirectiveName)
      )
        match = null;
      // CSS has an `@import` at-rule (`@import url(x.css);`): without parentheses it is text.
      if (
        match?.[1] === "import" &&
        !/^[ \t]*\(/.test(source.slice(DIRECTIVE.lastIndex, DIRECTIVE.lastIndex + 80))
      )
        match = null;
      if (match !== null) {
        const token = readDirective(source, file, i, match[1] as DirectiveName, DIRECTIVE.lastIndex);
        const lineHeader = token.type === "directive" && LINE_HEADER.has(token.name) && !token.parenthesized;
        push(token, isLineStart(source, i) && isLineEnd(source, token.end), lineHeader);
        i = token.end;
        continue;
      }
    }
    text += c;
    i++;
  }
  flushText(source.length);
  trimStandaloneLines(tokens, standalone, endsLine);
  return tokens.filter((t) => t.type !== "text" || t.value !== "");
}

function readDirective(
  source: string,
  file: string,
  start: number,
  name: DirectiveName,
  afterKeyword: number,
): TemplateToken {
  if (NO_ARGUMENTS.has(name)) {
    return {
      type: "directive",
      name,
      argStart: afterKeyword,
      argEnd: afterKeyword,
      parenthesized: false,
      start,
      end: afterKeyword,
    };
  }
  if (name === "set") {
    const close = findKeyword(source, afterKeyword, "@endset");
    if (close < 0) throw syntaxError("@set without a matching @endset", file, source, start);
    return {
      type: "directive",
      name,
      argStart: afterKeyword,
      argEnd: close,
      parenthesized: false,
      start,
      end: close + "@endset".length,
    };
  }
  if (source[afterKeyword] === "(") {
    const close = findClosingParen(source, afterKeyword, file, name);
    return {
      type: "directive",
      name,
      argStart: afterKeyword + 1,
      argEnd: close,
      parenthesized: true,
      start,
      end: close + 1,
    };
  }
  if (LINE_HEADER.has(name)) {
    // `@if condition` runs to the end of the line.
    let end = source.indexOf("\n", afterKeyword);
    if (end < 0) end = source.length;
    const argEnd = source[end - 1] === "\r" ? end - 1 : end;
    return {
      type: "directive",
      name,
      argStart: afterKeyword,
      argEnd,
      parenthesized: false,
      start,
      end: argEnd,
    };
  }
  // Arguments may follow after spaces: `@layout ("default")`.
  let open = afterKeyword;
  while (source[open] === " " || source[open] === "\t") open++;
  if (source[open] !== "(")
    throw syntaxError(
      `@${name} needs its arguments in parentheses, e.g. @${name}("name")`,
      file,
      source,
      start,
    );
  const close = findClosingParen(source, open, file, name);
  return {
    type: "directive",
    name,
    argStart: open + 1,
    argEnd: close,
    parenthesized: true,
    start,
    end: close + 1,
  };
}

/** Index of the `}}` that closes an output tag whose expression starts at `from`. */
function findOutputEnd(source: string, from: number, file: string): number {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"' || c === "'" || c === "`") {
      const end = skipString(source, i);
      if (end < 0) {
        // Let the expression parser report the unterminated string, with its position.
        const close = source.indexOf("}}", i);
        if (close >= 0) return close;
        break;
      }
      i = end;
    } else if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" && depth === 0 && source[i + 1] === "}") return i;
    else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
  }
  throw syntaxError("Unclosed {{: expected }}", file, source, from - 2);
}

/** Index of the `)` that matches the `(` at `open`, skipping strings and nested brackets. */
function findClosingParen(source: string, open: number, file: string, name: string): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(source, i);
      if (i < 0) break;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        if (c !== ")") break;
        return i;
      }
    }
  }
  throw syntaxError(`Unclosed "(" in @${name}`, file, source, open);
}

/** Index of the closing quote of the string opening at `start`, or -1. */
function skipString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === quote) return i;
    else if (c === "\n" && quote !== "`") return -1;
  }
  return -1;
}

/** Index of `keyword` after `from`, outside string literals, or -1. */
function findKeyword(source: string, from: number, keyword: string): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") {
      const end = skipString(source, i);
      if (end < 0) return -1;
      i = end;
    } else if (c === "@" && source.startsWith(keyword, i)) return i;
  }
  return -1;
}

function isLineStart(source: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const c = source[i];
    if (c === "\n") return true;
    if (c !== " " && c !== "\t") return false;
  }
  return true;
}

function isLineEnd(source: string, index: number): boolean {
  for (let i = index; i < source.length; i++) {
    const c = source[i];
    if (c === "\n") return true;
    if (c !== " " && c !== "\t" && c !== "\r") return false;
  }
  return true;
}

/** If a `##` comment starts the line at `lineStart`, the offset after its line break. */
function commentAt(source: string, lineStart: number): number | undefined {
  let i = lineStart;
  while (source[i] === " " || source[i] === "\t") i++;
  if (source[i] !== "#" || source[i + 1] !== "#") return undefined;
  const end = source.indexOf("\n", i);
  return end < 0 ? source.length : end + 1;
}

/**
 * Removes the indentation before and the line break after every directive that stands alone
 * on its line. Texts are cut by index so that one text between two such lines is trimmed from
 * both sides correctly.
 */
function trimStandaloneLines(tokens: TemplateToken[], standalone: boolean[], endsLine: boolean[]): void {
  const cuts = new Map<number, { from: number; to: number }>();
  const cut = (index: number) => {
    const token = tokens[index] as { value: string };
    let entry = cuts.get(index);
    if (entry === undefined) {
      entry = { from: 0, to: token.value.length };
      cuts.set(index, entry);
    }
    return entry;
  };
  for (let k = 0; k < tokens.length; k++) {
    if (!standalone[k]) {
      const after = tokens[k + 1];
      if (endsLine[k] && after?.type === "text" && /^\r?\n/.test(after.value))
        cut(k + 1).from = after.value.indexOf("\n") + 1;
      continue;
    }
    const before = tokens[k - 1];
    if (before?.type === "text") cut(k - 1).to = before.value.lastIndexOf("\n") + 1;
    const after = tokens[k + 1];
    if (after?.type === "text") {
      const newline = after.value.indexOf("\n");
      cut(k + 1).from = newline < 0 ? after.value.length : newline + 1;
    }
  }
  for (const [index, { from, to }] of cuts) {
    const token = tokens[index] as { value: string };
    token.value = from >= to ? "" : token.value.slice(from, to);
  }
}
