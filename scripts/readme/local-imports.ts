/**
 * A README shows its own folder's code: a block of `apps/demo/README.md` may write
 * `import type { User } from "./src/services/users"`, as a reader standing in `apps/demo` would.
 * Blocks are written to a sandbox (`.readme-blocks/<name>/` next to the README), so such an
 * import is resolved by a module written in the sandbox (where no block wrote one) that re-exports the
 * README folder's file. Nothing is linked: what is written or removed in the sandbox stays there.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.\.?\/[^"']+)["']/g;
const SUFFIXES = ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.js"];
const DEFAULT_EXPORT = /\bexport\s+default\b|\bas\s+default\b/;

/** The file a module specifier names, trying TypeScript's extensions and `index` files. */
function resolveFile(target: string): string | undefined {
  for (const suffix of SUFFIXES) {
    const candidate = target + suffix;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Writes into `sandbox` a re-export of each file of `readmeDir` that `code` (written at `file`)
 * imports relatively and that no block provides. Returns the modules written (sandbox paths).
 */
export function localImports(code: string, file: string, sandbox: string, readmeDir: string): string[] {
  const written: string[] = [];
  for (const [, specifier] of code.matchAll(RELATIVE_IMPORT)) {
    const target = path.resolve(path.dirname(file), specifier!);
    if (!target.startsWith(sandbox + path.sep) || resolveFile(target)) continue;
    const real = resolveFile(path.join(readmeDir, path.relative(sandbox, target)));
    if (!real) continue;
    const stub = path.join(sandbox, path.relative(readmeDir, real));
    const from = JSON.stringify(path.relative(path.dirname(stub), real).replace(/\.(?:[mc]?[jt]s|tsx)$/, ""));
    const exports = [`export * from ${from};`];
    if (DEFAULT_EXPORT.test(readFileSync(real, "utf8"))) exports.push(`export { default } from ${from};`);
    mkdirSync(path.dirname(stub), { recursive: true });
    writeFileSync(stub, `${exports.join("\n")}\n`);
    written.push(stub);
  }
  return written;
}
