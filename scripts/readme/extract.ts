/**
 * Finds the code blocks of a Markdown file and reads the README-test convention from their info
 * strings (see CONTRIBUTING.md, "README examples are tests"):
 *
 * - ` ```ts ` (or `js`): type-checked. Names a block does not define come from the shared
 *   context, scripts/readme/context.d.ts (`app`, `req`, `res`, `handler`, ...).
 * - ` ```ts run `: a complete program, type-checked and then run with Bun; listening servers get
 *   port 0 on 127.0.0.1, `probe=/a,/b` requests those paths in order (cookies kept) and each must
 *   answer below 400; then the servers are stopped.
 * - ` ```ts skip `: shown only (pseudo-code such as `{ ... }`). Use sparingly.
 *
 * A first line `// path/to/file.ts` names the file the block is written to, so other blocks of
 * the same README can import it (`import { engine } from "./template-engine"`); an HTML (or any
 * other) block whose first line is `<!-- path/to/file.html -->` is written out too, for the
 * programs that read it.
 */

/** One fenced code block. */
export type Block = {
  /** The Markdown file, relative to the repository root. */
  readme: string;
  /** 1-based line of the opening fence; line `n` of the code is README line `line + n`. */
  line: number;
  /** The info string's language, lower-cased (`ts`, `js`, `html`, `sh`...). */
  lang: string;
  mode: "check" | "run" | "skip";
  /** Paths a `run` block requests, in order. */
  probes: string[];
  /** The file the block names on its first line, if any. */
  name?: string;
  code: string;
};

/** Languages whose blocks are tests. */
export const CODE_LANGS = new Set(["ts", "typescript", "js", "javascript"]);

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const NAMED_SCRIPT = /^\/\/\s*([\w./-]+\.(?:ts|js|mjs|tsx))\s*$/;
const NAMED_OTHER = /^<!--\s*([\w./-]+\.\w+)\s*-->\s*$/;

/** Every fenced block of `markdown`; throws on an unknown word in a code block's info string. */
export function extractBlocks(markdown: string, readme: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    // CommonMark: a backtick fence's info string has no backtick, so a line that starts with
    // inline code (```` ```ts ```` in prose) opens no block.
    if (fence[0] === "`" && info.includes("`")) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close && close[2]![0] === fence[0] && close[2]!.length >= fence.length && close[3]!.trim() === "")
        break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    const [lang = "", ...words] = info.trim().split(/\s+/);
    const block: Block = {
      readme,
      line: i + 1,
      lang: lang.toLowerCase(),
      mode: "check",
      probes: [],
      code: "",
    };
    block.code = `${body.join("\n")}\n`;
    if (CODE_LANGS.has(block.lang)) {
      for (const word of words) {
        if (word === "run" || word === "skip") block.mode = word;
        else if (word.startsWith("probe="))
          block.probes = word.slice("probe=".length).split(",").filter(Boolean);
        else
          throw new Error(
            `${readme}:${i + 1}: unknown word "${word}" in \`\`\`${info.trim()} (run, skip, probe=)`,
          );
      }
      if (block.probes.length > 0 && block.mode !== "run")
        throw new Error(`${readme}:${i + 1}: probe= needs run (\`\`\`${info.trim()})`);
      block.name = NAMED_SCRIPT.exec(body[0] ?? "")?.[1];
    } else {
      block.mode = "skip";
      block.name = NAMED_OTHER.exec(body[0] ?? "")?.[1];
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}
