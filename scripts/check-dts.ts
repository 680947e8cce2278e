/**
 * Checks the published types of every package (`dist/**\/*.d.ts`, after `bun run build`):
 * - no `@internal` left (internal declarations are stripped by the build's `stripInternal`);
 * - no class member named `_something` (machinery belongs in private fields or module-private
 *   symbols, not in what users see);
 * - every import resolves to something a consumer can reach: a relative file that is shipped,
 *   a subpath that the package's `exports` lists, or a dependency of the package; and every type
 *   an entry takes from a shared chunk is exported by some public entry (else consumers hit
 *   TS2742, "cannot be named without a reference to ...").
 *
 *   bun run build && bun scripts/check-dts.ts
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dir, "..");
const problems: string[] = [];
let files = 0;

/** Every workspace package's manifest, by name. */
const manifests = new Map<string, any>();
for (const dir of readdirSync(path.join(root, "packages"))) {
  const manifest = JSON.parse(readFileSync(path.join(root, "packages", dir, "package.json"), "utf8"));
  manifests.set(manifest.name, { ...manifest, dir: path.join(root, "packages", dir) });
}

function dtsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".d.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The `types` files of a package's `exports`, absolute. */
function publicEntries(pkgDir: string, manifest: any): string[] {
  const entries: string[] = [];
  for (const value of Object.values(manifest.exports ?? {})) {
    if (value && typeof value === "object" && typeof (value as any).types === "string")
      entries.push(path.join(pkgDir, (value as any).types));
  }
  return entries;
}

/** Names a declaration file exports (`export { a as B }` gives `B`; declarations with `export`). */
function exportedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    )
      for (const element of statement.exportClause.elements) names.add(element.name.text);
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      const name = (statement as { name?: ts.Identifier }).name;
      if (name && ts.isIdentifier(name)) names.add(name.text);
    }
  }
  return names;
}

for (const manifest of [...manifests.values()].sort((a, b) => a.name.localeCompare(b.name))) {
  const pkgDir: string = manifest.dir;
  if (manifest.private) continue;
  // A command with no module to import (create-harpia: a bin and its template) ships no types.
  if (publicEntries(pkgDir, manifest).length === 0 && manifest.types === undefined) continue;
  const all = dtsFiles(path.join(pkgDir, "dist"));
  if (all.length === 0) {
    problems.push(`${manifest.name}: no dist/**/*.d.ts (run bun run build first)`);
    continue;
  }
  const entries = publicEntries(pkgDir, manifest);
  const sources = new Map(
    all.map((file) => [
      file,
      ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true),
    ]),
  );
  const reachable = new Set<string>();
  for (const entry of entries) for (const name of exportedNames(sources.get(entry)!)) reachable.add(name);
  const dependencies = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    "bun",
  ]);

  for (const [file, source] of sources) {
    files++;
    const where = `${manifest.name}: ${path.relative(pkgDir, file)}`;
    if (source.text.includes("@internal")) problems.push(`${where}: contains @internal`);

    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node)) {
        for (const member of node.members) {
          const name = member.name;
          if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) && name.text.startsWith("_"))
            problems.push(
              `${where}: class ${node.name?.text ?? "(anonymous)"} has a member named ${name.text}`,
            );
        }
      }
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
        const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
        if (specifier.startsWith(".")) {
          const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".d.ts"));
          if (!sources.has(target) && !sources.has(target.replace(/\.d\.ts$/, "/index.d.ts")))
            problems.push(`${where}: imports ${specifier}, which is not in dist`);
          // A type an entry takes from a shared chunk must be nameable by consumers.
          const isChunk = !entries.includes(target);
          if (
            isChunk &&
            entries.includes(file) &&
            ts.isImportDeclaration(node) &&
            node.importClause?.namedBindings &&
            ts.isNamedImports(node.importClause.namedBindings)
          ) {
            for (const element of node.importClause.namedBindings.elements) {
              if (!reachable.has(element.name.text))
                problems.push(
                  `${where}: uses ${element.name.text} from ${specifier}, which no public entry exports`,
                );
            }
          }
        } else if (!specifier.startsWith("node:")) {
          const parts = specifier.split("/");
          const pkg = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
          const subpath = `.${specifier.slice(pkg.length)}`;
          if (pkg === manifest.name || pkg.startsWith("@harpia/")) {
            const target = manifests.get(pkg);
            if (!target?.exports?.[subpath])
              problems.push(`${where}: imports ${specifier}, which ${pkg} does not export`);
            if (pkg !== manifest.name && !dependencies.has(pkg))
              problems.push(`${where}: imports ${pkg}, which is not a dependency`);
          } else if (!dependencies.has(pkg) && !pkg.startsWith("@types/")) {
            problems.push(`${where}: imports ${specifier}, which is not a dependency`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

for (const problem of problems) console.error(`✗ ${problem}`);
console.log(`${files} declaration files checked, ${problems.length} problems`);
process.exit(problems.length > 0 ? 1 : 0);
