/**
 * The files `listen` serves from Bun's route table: found by walking the static mounts (in
 * their order, bounded in count), with the version (size, modification time) their prepared
 * headers describe, checked again on a timer. Which of them may be served natively for a given compiled app, and how
 * their responses are prepared, is `app/native-static.ts`'s business.
 */
import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PLAIN_SEGMENT } from "../router/native";
import { RECENT_MS } from "./conditional";
import type { StaticMount } from "./serve-static";

/**
 * Bounds of the native table (files beyond them stay on the JS path). No bytes are held: the
 * prepared answers have a `Bun.file` body, as on the JS path, so a file's size does not matter.
 */
export const NATIVE_LIMITS = {
  /** Most files served natively, over all mounts. */
  files: 1000,
  /** Most directories visited per scan (a deep tree must not make every scan long). */
  directories: 1000,
};

/** One file served natively: its URL path, where it is, and the version its headers describe. */
export interface NativeFile {
  readonly url: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mount: StaticMount;
}

/** The part of `path` below `prefix`, by whole segments (as the mount's handler decides). */
function covers(prefix: string, path: string): boolean {
  if (prefix === "/") return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47;
}

interface Budget {
  files: number;
  directories: number;
}

function listDirectory(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}

/**
 * A file's current version as the JS path would see it (the entry of `known` when unchanged).
 * `undefined` when it is not to be served natively now: gone, or modified too recently (its
 * ETag is still weak and will turn strong; it may also still be being written).
 */
function version(
  url: string,
  path: string,
  mount: StaticMount,
  known: NativeFile | undefined,
  now: number,
): NativeFile | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined || !stats.isFile() || now - stats.mtimeMs < RECENT_MS) return undefined;
  if (
    known !== undefined &&
    known.size === stats.size &&
    known.mtimeMs === stats.mtimeMs &&
    known.mount === mount
  )
    return known;
  return { url, path, size: stats.size, mtimeMs: stats.mtimeMs, mount };
}

/** Walks one mount's folder, adding the files it would serve as they are to `out`. */
function walk(
  mount: StaticMount,
  dir: string,
  url: string,
  earlier: readonly string[],
  previous: ReadonlyMap<string, NativeFile>,
  out: Map<string, NativeFile>,
  budget: Budget,
  now: number,
): void {
  if (budget.directories <= 0) return;
  budget.directories--;
  for (const entry of listDirectory(dir)) {
    if (budget.files <= 0) return;
    const name = entry.name;
    // Names the JS path would refuse or decode (dotfiles unless allowed, escapes, spaces) stay on it.
    if (!PLAIN_SEGMENT.test(name) || (name.charCodeAt(0) === 46 && mount.dotfiles !== "allow")) continue;
    const childUrl = url === "/" ? `/${name}` : `${url}/${name}`;
    const childPath = join(dir, name);
    if (entry.isDirectory()) {
      walk(mount, childPath, childUrl, earlier, previous, out, budget, now);
      continue;
    }
    // Symbolic links and other kinds: whatever they point to, the JS path decides.
    if (!entry.isFile()) continue;
    // An earlier mount under whose prefix this path falls is tried first by the JS path.
    if (out.has(childUrl) || earlier.some((prefix) => covers(prefix, childUrl))) continue;
    const file = version(childUrl, childPath, mount, previous.get(childUrl), now);
    if (file !== undefined) {
      out.set(childUrl, file);
      budget.files--;
    }
  }
}

/**
 * The files of `mounts` (in the order the JS path tries them) to serve natively, keyed by URL
 * path. A mount that is not a static mount (`undefined`) could claim any path: nothing after it is
 * taken. Unchanged files keep their entry from `previous` (and their bytes).
 */
export function scanNativeFiles(
  mounts: readonly (StaticMount | undefined)[],
  previous: ReadonlyMap<string, NativeFile> = new Map(),
  now: number = Date.now(),
): Map<string, NativeFile> {
  const out = new Map<string, NativeFile>();
  const budget: Budget = { files: NATIVE_LIMITS.files, directories: NATIVE_LIMITS.directories };
  const earlier: string[] = [];
  for (const mount of mounts) {
    if (mount === undefined) break;
    if (mount.native) walk(mount, mount.root, mount.prefix, earlier, previous, out, budget, now);
    earlier.push(mount.prefix);
  }
  return out;
}

/** Whether two scans differ (a file added, removed, or of another version). */
export function sameFiles(a: ReadonlyMap<string, NativeFile>, b: ReadonlyMap<string, NativeFile>): boolean {
  if (a.size !== b.size) return false;
  for (const [url, file] of a) if (b.get(url) !== file) return false;
  return true;
}
