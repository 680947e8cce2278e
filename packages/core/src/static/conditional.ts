/**
 * Conditional and range requests for files (RFC 9110 §13 and §14): validators, 304/412
 * decisions and `Range` parsing. Pure functions over header values, so they are easy to test
 * and shared by static mounts and `res.file()`.
 */

/** What is known about a file to answer conditional requests. */
export interface FileValidators {
  size: number;
  /** Modification time in epoch milliseconds (with the file system's sub-millisecond part). */
  mtimeMs: number;
}

/**
 * A file modified less than this long ago gets a weak ETag: it may still be being written, or
 * be written again with the same size within the file system's timestamp granularity, and a
 * strong validator must change whenever the bytes do (RFC 9110 §8.8.1, as Apache does).
 */
export const RECENT_MS = 1000;

/**
 * The ETag of a file: size and modification time to the microsecond, so it changes with the
 * file without hashing it. Strong (it can resume a download through `If-Range`, satisfy
 * `If-Match`), except for a file modified within the last second (see {@link RECENT_MS}).
 */
export function fileEtag(file: FileValidators, now: number = Date.now()): string {
  const tag = `"${file.size.toString(16)}-${Math.round(file.mtimeMs * 1000).toString(16)}"`;
  return now - file.mtimeMs < RECENT_MS ? `W/${tag}` : tag;
}

/**
 * The ETag of a content-coded copy of a file (a precompressed `.br`/`.gz` sibling): its own
 * bytes, so a tag that cannot equal the original's even when size and time happen to match.
 */
export function encodedEtag(etag: string, encoding: string): string {
  return `${etag.slice(0, -1)}-${encoding}"`;
}

/** Validator strings of one stat result; `weakUntil` is when a weak ETag may turn strong (0 when strong). */
export interface ValidatorStrings {
  etag: string;
  lastModified: string;
  weakUntil: number;
}

/**
 * The ETag and Last-Modified strings of a file, computed once per stat: the stat cache hands
 * out the same object until it refreshes, so a busy file does not format dates per request.
 * A weak ETag of a recently modified file is recomputed once it is old enough to be strong.
 */
export function validatorStrings(file: FileValidators): ValidatorStrings {
  const memo = file as FileValidators & { _validators?: ValidatorStrings };
  const known = memo._validators;
  if (known !== undefined && (known.weakUntil === 0 || Date.now() < known.weakUntil)) return known;
  const etag = fileEtag(file);
  const strings = {
    etag,
    lastModified: known?.lastModified ?? httpDate(file.mtimeMs),
    weakUntil: etag.startsWith("W/") ? file.mtimeMs + RECENT_MS : 0,
  };
  memo._validators = strings;
  return strings;
}

/** The `Last-Modified` value (HTTP dates have whole seconds). */
export function httpDate(mtimeMs: number): string {
  return new Date(mtimeMs).toUTCString();
}

function opaque(tag: string): string {
  const trimmed = tag.trim();
  return trimmed.startsWith("W/") ? trimmed.slice(2) : trimmed;
}

/** Weak comparison of an `If-None-Match` list (or `*`) against the current ETag. */
export function etagListMatches(header: string, etag: string | undefined): boolean {
  if (etag === undefined) return false;
  if (header.trim() === "*") return true;
  const current = opaque(etag);
  for (const tag of header.split(",")) if (opaque(tag) === current) return true;
  return false;
}

/** Parses an HTTP date header; `undefined` when absent or invalid (which means "ignore it"). */
export function parseDate(header: string | null): number | undefined {
  if (header === null) return undefined;
  const time = Date.parse(header);
  return Number.isNaN(time) ? undefined : time;
}

/** Seconds-precision modification time, as clients see it in `Last-Modified`. */
function lastModifiedSeconds(mtimeMs: number): number {
  return Math.floor(mtimeMs / 1000) * 1000;
}

/**
 * Whether a GET/HEAD can be answered 304: `If-None-Match` decides when present (and
 * `If-Modified-Since` is then ignored, as RFC 9110 requires); otherwise `If-Modified-Since`.
 */
export function isNotModified(
  headers: Headers,
  etag: string | undefined,
  lastModifiedMs: number | undefined,
): boolean {
  const noneMatch = headers.get("if-none-match");
  if (noneMatch !== null) return etagListMatches(noneMatch, etag);
  if (lastModifiedMs === undefined) return false;
  const since = parseDate(headers.get("if-modified-since"));
  return since !== undefined && lastModifiedSeconds(lastModifiedMs) <= since;
}

/**
 * Whether `If-Match` / `If-Unmodified-Since` fail (→ 412). `If-Match` compares strongly
 * (RFC 9110 §13.1.1): a weak ETag, on either side, never matches; `*` matches any file.
 */
export function preconditionFails(
  headers: Headers,
  etag: string | undefined,
  lastModifiedMs: number | undefined,
): boolean {
  const match = headers.get("if-match");
  if (match !== null) {
    if (match.trim() === "*") return false;
    if (etag === undefined || etag.startsWith("W/")) return true;
    return !match.split(",").some((tag) => tag.trim() === etag);
  }
  const unmodifiedSince = parseDate(headers.get("if-unmodified-since"));
  if (unmodifiedSince === undefined || lastModifiedMs === undefined) return false;
  return lastModifiedSeconds(lastModifiedMs) > unmodifiedSince;
}

/**
 * Whether a `Range` may be honoured under `If-Range` (RFC 9110 §13.1.5): absent, the current
 * strong ETag (strong comparison: a weak one never matches), or exactly the `Last-Modified`
 * date. Otherwise the whole file is sent: the safe answer when the file may have changed.
 */
export function ifRangeAllows(
  headers: Headers,
  etag: string | undefined,
  lastModifiedMs: number | undefined,
) {
  const ifRange = headers.get("if-range");
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) {
    return etag !== undefined && !etag.startsWith("W/") && value === etag;
  }
  const date = parseDate(value);
  return date !== undefined && lastModifiedMs !== undefined && lastModifiedSeconds(lastModifiedMs) === date;
}

/** An inclusive byte range within a file. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a `Range` header against a file size:
 * - `undefined`: no usable single range (absent, another unit, malformed, or several ranges):
 *   send the whole file, as RFC 9110 allows;
 * - `"unsatisfiable"`: a valid range that lies outside the file (→ 416);
 * - a {@link ByteRange} otherwise, clamped to the file.
 */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  if (last !== "" && end < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}
