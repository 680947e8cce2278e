/**
 * Fails when any package (or app) has an import cycle in its `src`, type-only imports included:
 * a cycle makes module initialisation order matter and hides which module depends on which.
 * Uses madge (TypeScript parsed by detective-typescript, imports resolved with each package's
 * tsconfig, so `@harpia/*` paths are followed into sibling sources too).
 *
 *   bun run check:cycles
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import madge from "madge";

const root = path.resolve(import.meta.dir, "..");
const dirs = ["packages", "apps"].flatMap((parent) =>
  readdirSync(path.join(root, parent))
    .sort()
    .map((name) => path.join(parent, name))
    .filter((dir) => existsSync(path.join(root, dir, "src"))),
);

let total = 0;
for (const dir of dirs) {
  const result = await madge(path.join(root, dir, "src"), {
    fileExtensions: ["ts", "tsx"],
    tsConfig: path.join(root, dir, "tsconfig.json"),
    // Only the package's own sources: a sibling is resolved to its build (dist) when one exists,
    // and each package is checked on its own.
    excludeRegExp: [/node_modules/, /^\.\.\//, /(^|\/)dist\//],
    // Type-only imports count: a type cycle is still two modules that each need the other.
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  const cycles = result.circular();
  total += cycles.length;
  if (cycles.length === 0) {
    console.log(`✓ ${dir}: no import cycles`);
    continue;
  }
  console.error(`✗ ${dir}: ${cycles.length} import cycle${cycles.length === 1 ? "" : "s"}`);
  for (const cycle of cycles) console.error(`    ${[...cycle, cycle[0]].join(" → ")}`);
}
console.log(`${dirs.length} packages checked, ${total} import cycles`);
process.exit(total > 0 ? 1 : 0);
