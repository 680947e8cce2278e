/** Where in a template file something happened. */
export interface TemplateLocation {
  /** Absolute path of the template file (or a label such as `<inline>`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/**
 * Any error raised by the template engine. When the error points into a template, `file`,
 * `line`, `column` and `frame` (a few source lines with a caret) say where, and the message
 * ends with the same information so a log line alone is enough to find the spot.
 */
export class TemplateError extends Error {
  override name = "TemplateError";
  /** The template file the error points into. */
  readonly file: string | undefined;
  /** 1-based line in `file`. */
  readonly line: number | undefined;
  /** 1-based column in `file`. */
  readonly column: number | undefined;
  /** The source lines around the spot, with a `>` marker and a caret. */
  readonly frame: string | undefined;
  /** The message without the location and frame. */
  readonly reason: string;

  constructor(reason: string, location?: TemplateLocation & { source?: string }, options?: ErrorOptions) {
    const frame =
      location?.source === undefined ? undefined : codeFrame(location.source, location.line, location.column);
    const where = location ? `\n    at ${location.file}:${location.line}:${location.column}` : "";
    super(`${reason}${where}${frame ? `\n\n${frame}` : ""}`, options);
    this.reason = reason;
    this.file = location?.file;
    this.line = location?.line;
    this.column = location?.column;
    this.frame = frame;
  }
}

/** A template that cannot be parsed: unknown syntax, an unclosed tag, a bad expression. */
export class TemplateSyntaxError extends TemplateError {
  override name = "TemplateSyntaxError";
}

/** A view, layout, component or import that does not exist; `searched` lists the paths tried. */
export class TemplateNotFoundError extends TemplateError {
  override name = "TemplateNotFoundError";
  /** Every path that was looked at, in order. */
  readonly searched: string[];

  constructor(what: string, searched: string[], location?: TemplateLocation & { source?: string }) {
    const list = searched.length === 1 ? searched[0] : `\n${searched.map((p) => `      - ${p}`).join("\n")}`;
    super(`${what} not found; looked for ${list}`, location);
    this.searched = searched;
  }
}

/** Turns a 0-based offset into a 1-based line and column. */
export function locate(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A few lines of `source` around `line`, the line itself marked and a caret under `column`. */
export function codeFrame(source: string, line: number, column: number): string {
  const lines = source.split("\n");
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? "").replace(/\r$/, "");
    const gutter = `${n === line ? ">" : " "} ${String(n).padStart(width)} | `;
    out.push(`${gutter}${text}`.trimEnd());
    if (n === line) {
      // Keep tabs so the caret lines up under tab-indented code.
      const pad = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, " ");
      out.push(`  ${" ".repeat(width)} | ${pad}^`);
    }
  }
  return out.join("\n");
}

/** Builds a {@link TemplateSyntaxError} for `offset` in `source`. */
export function syntaxError(
  reason: string,
  file: string,
  source: string,
  offset: number,
): TemplateSyntaxError {
  return new TemplateSyntaxError(reason, { file, source, ...locate(source, offset) });
}
