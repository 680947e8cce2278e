/**
 * What a developer sees in the editor, per client approach, through TypeScript's language service
 * (what VS Code runs): where "go to definition" lands on the first route's name and on a field of
 * its answer, and the errors shown for a wrong body field (`age: "0"`) and for a typo in a path.
 *
 *   bun bench/typecheck/editor.ts      (after generate.ts; writes results/editor.md)
 */
import path from "node:path";
import ts from "typescript";
import { GENERATED_DIR } from "./generate";

interface Probe {
  variant: string;
  file: string;
  /** Text whose first occurrence holds the route's name; the cursor goes `offset` chars in. */
  route: [marker: string, offset: number];
  /** A typo in the first route's path: first occurrence of `[0]` becomes `[1]`. */
  typo: [from: string, to: string];
}

const PROBES: Probe[] = [
  {
    variant: "hono-server+client",
    file: "client.ts",
    route: ["api.resource0[", 5],
    typo: ['resource0[":id"]', 'resource0[":idx"]'],
  },
  {
    variant: "elysia-server+eden",
    file: "client.ts",
    route: ["api.resource0(", 5],
    typo: ['api.resource0({ id: "1" })', 'api.resource0({ idx: "1" })'],
  },
  {
    variant: "openapi-fetch",
    file: "client.ts",
    route: ['"/resource0/{id}"', 3],
    typo: ['"/resource0/{id}"', '"/resource0/{idx}"'],
  },
  {
    variant: "harpia-a-registry-server+client",
    file: "frontend.ts",
    route: ['"/resource0/:id"', 3],
    typo: ['"/resource0/:id"', '"/resource0/:idx"'],
  },
  {
    variant: "harpia-b-client-only",
    file: "frontend.ts",
    route: ['"/resource0/:id"', 3],
    typo: ['"/resource0/:id"', '"/resource0/:idx"'],
  },
  {
    variant: "harpia-b-call-client-only",
    file: "frontend.ts",
    route: ['"GET /resource0/:id"', 3],
    typo: ['"GET /resource0/:id"', '"GET /resource0/:idx"'],
  },
  {
    variant: "harpia-client-only",
    file: "frontend.ts",
    route: ['"/resource0/:id"', 3],
    typo: ['"/resource0/:id"', '"/resource0/:idx"'],
  },
  {
    variant: "harpia-client-request-only",
    file: "frontend.ts",
    route: ['"GET /resource0/:id"', 3],
    typo: ['"GET /resource0/:id"', '"GET /resource0/:idx"'],
  },
];

/** Every probe also sends a wrong body field: the first `age: 0,` becomes `age: "0",`. */
const BAD_AGE: [string, string] = ["age: 0,", 'age: "0",'];

/** A language service over one generated project, with one file's text replaceable. */
function service(dir: string, overrides: Map<string, string>) {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(dir, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => config.fileNames,
    getScriptVersion: (f) => (overrides.has(f) ? "2" : "1"),
    getScriptSnapshot: (f) => {
      const text = overrides.get(f) ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    realpath: ts.sys.realpath,
    readFile: (f) => overrides.get(f) ?? ts.sys.readFile(f),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host);
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Where "go to definition" at `pos` lands: `file:line` and the line's text. */
function definition(ls: ts.LanguageService, dir: string, file: string, pos: number): string {
  const defs = ls.getDefinitionAtPosition(file, pos) ?? [];
  const landing = defs.map((d) => {
    const source = ls.getProgram()!.getSourceFile(d.fileName)!;
    const { line } = source.getLineAndCharacterOfPosition(d.textSpan.start);
    const where = path.relative(dir, d.fileName).replace(/^(\.\.\/)+node_modules\//, "");
    return `${where}:${line + 1} \`${oneLine(source.text.split("\n")[line]!).slice(0, 60)}\``;
  });
  return landing.join("; ") || "nothing";
}

/** The first error in `file` after an edit, with its related information. */
function errorAfter(dir: string, file: string, text: string, [from, to]: [string, string]): string {
  if (!text.includes(from)) throw new Error(`${file}: "${from}" not found`);
  const ls = service(dir, new Map([[file, text.replace(from, to)]]));
  const diag = ls.getSemanticDiagnostics(file)[0];
  if (!diag) return "(no error!)";
  return [diag, ...(diag.relatedInformation ?? [])]
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    .join("\n");
}

async function probe(p: Probe) {
  const dir = path.join(GENERATED_DIR, p.variant);
  const file = path.join(dir, p.file);
  const text = await Bun.file(file).text();
  const ls = service(dir, new Map());
  const [marker, offset] = p.route;
  // The first answer's `.name` (`(await …).name` or `(await …).data?.name`), cursor on `name`.
  const read = /\)\.(?:data\?\.)?name\b/.exec(text)!;
  const answerField = read.index + read[0].length - 3;
  return {
    variant: p.variant,
    route: definition(ls, dir, file, text.indexOf(marker) + offset),
    field: definition(ls, dir, file, answerField),
    body: errorAfter(dir, file, text, BAD_AGE),
    typo: errorAfter(dir, file, text, p.typo),
  };
}

const first = (message: string) =>
  `${message.length} chars: ${oneLine(message.split("\n")[0]!).slice(0, 110).replace(/\|/g, "\\|")}`;

const rows = [];
for (const p of PROBES) rows.push(await probe(p));
const markdown = [
  "| variant | go to definition: route name | go to definition: `.name` of the answer | wrong body field | path typo |",
  "| --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| \`${r.variant}\` | ${r.route} | ${r.field} | ${first(r.body)} | ${first(r.typo)} |`),
].join("\n");
console.log(markdown);
const full = rows
  .map(
    (r) =>
      `\n\`${r.variant}\`, wrong body field:\n\n\`\`\`\n${r.body.slice(0, 1500)}\n\`\`\`\n\npath typo:\n\n\`\`\`\n${r.typo.slice(0, 1500)}\n\`\`\``,
  )
  .join("\n");
await Bun.write(
  path.join(import.meta.dir, "results", "editor.md"),
  `${markdown}\n\nFull messages (cut at 1,500 characters):\n${full}\n`,
);
