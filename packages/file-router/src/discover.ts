import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/** Which files under the routes folder are route modules. */
export interface DiscoverOptions {
  /** File extensions loaded (default `.ts`, `.mts`, `.js`, `.mjs`). */
  extensions: readonly string[];
  /** Extra filter on the path relative to the folder (`/`-separated); return `true` to skip. */
  ignore?: (relativePath: string) => boolean;
}

/** Default extensions of route modules. */
export const DEFAULT_EXTENSIONS: readonly string[] = [".ts", ".mts", ".js", ".mjs"];

/** Tests, declaration files and dotfiles live next to routes without being routes. */
function isSkipped(name: string, extensions: readonly string[]): boolean {
  if (name.startsWith(".")) return true;
  if (/\.d\.[cm]?ts$/.test(name)) return true;
  if (/\.(test|spec)\.[^.]+$/.test(name)) return true;
  return !extensions.some((ext) => name.endsWith(ext));
}

/**
 * Lists the route modules under `root`, recursively, as `/`-separated paths relative to it,
 * sorted by code point so the order is the same on every machine and locale. Dot-folders,
 * `node_modules` and `__tests__` are not entered.
 */
export async function discoverFiles(root: string, options: DiscoverOptions): Promise<string[]> {
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) throw new Error(`routes folder not found: ${root}`);
  if (!info.isDirectory()) throw new Error(`routes folder is not a directory: ${root}`);
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "__tests__")
          continue;
        if (options.ignore?.(child)) continue;
        await walk(child);
      } else if (entry.isFile() && !isSkipped(entry.name, options.extensions)) {
        if (options.ignore?.(child)) continue;
        found.push(child);
      }
    }
  };
  await walk("");
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
