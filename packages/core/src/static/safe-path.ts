/**
 * Turning a URL path into a file path that cannot leave its root. Traversal is refused by
 * construction: the path is split into segments before decoding, each segment is decoded
 * once and checked on its own (no `.`/`..`, no slash or backslash, no NUL, no drive letter),
 * and the joined result must still lie inside the root.
 */
import { isAbsolute, resolve, sep } from "node:path";

const WINDOWS = process.platform === "win32";

/** Why a path was refused; `malformed` is a broken percent-encoding (the client's mistake). */
export type UnsafeReason = "malformed" | "unsafe";

/** A decoded URL path under a root: its segments, or why it was refused. */
export type DecodedPath =
  | { ok: true; segments: string[]; trailingSlash: boolean }
  | { ok: false; reason: UnsafeReason };

/** A decoded segment that names something under the root, never the root's parent or a sibling. */
function isSafeSegment(segment: string): boolean {
  if (segment === "." || segment === "..") return false;
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    // `/` and `\` would split the segment again after decoding; NUL truncates paths in C APIs;
    // other control characters have no place in a file name served over HTTP.
    if (code === 47 || code === 92 || code < 32 || code === 127) return false;
  }
  // A `:` would make `C:x` a drive-relative path on Windows.
  if (WINDOWS && segment.includes(":")) return false;
  return true;
}

/**
 * Splits a still-encoded URL path (`/css/a%20b.css`) into decoded, validated segments.
 * Empty segments (`//`) are skipped; a trailing slash is reported separately because it asks
 * for a directory.
 */
export function decodeUrlPath(encodedPath: string): DecodedPath {
  const parts = encodedPath.split("/");
  const segments: string[] = [];
  for (const part of parts) {
    if (part === "") continue;
    let segment = part;
    if (part.includes("%")) {
      try {
        segment = decodeURIComponent(part);
      } catch {
        return { ok: false, reason: "malformed" };
      }
    }
    if (!isSafeSegment(segment)) return { ok: false, reason: "unsafe" };
    segments.push(segment);
  }
  return { ok: true, segments, trailingSlash: encodedPath.length > 1 && encodedPath.endsWith("/") };
}

/** True when `target` is `root` itself or inside it. Both must be absolute and normalised. */
export function isInside(root: string, target: string): boolean {
  if (target === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return target.startsWith(prefix);
}

/** Joins decoded segments onto an absolute root; `undefined` if the result escapes it. */
export function joinInside(root: string, segments: readonly string[]): string | undefined {
  // Safe segments (no separators, `.`, `..`, NUL) joined by the separator cannot climb out: no
  // path normalisation needed. The containment check stays as a second guard.
  if (!segments.every(isSafeSegment)) return undefined;
  const target =
    segments.length === 0 ? root : `${root.endsWith(sep) ? root : root + sep}${segments.join(sep)}`;
  return isInside(root, target) ? target : undefined;
}

/**
 * Resolves a plain (already decoded) relative path, such as a route param, inside `root`.
 * Returns `undefined` for anything that could leave the root: absolute paths, `..`, NUL,
 * backslashes, control characters.
 */
export function resolveInside(root: string, relativePath: string): string | undefined {
  if (isAbsolute(relativePath) && !relativePath.startsWith("/")) return undefined;
  const segments: string[] = [];
  for (const segment of relativePath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (!isSafeSegment(segment)) return undefined;
    segments.push(segment);
  }
  return joinInside(resolve(root), segments);
}
