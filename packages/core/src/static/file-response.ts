/**
 * Answers a request with a file: validators (`ETag`, `Last-Modified`), 304 and 412,
 * byte ranges (206/416), `Cache-Control`, and a `Bun.file` body that Bun streams from disk.
 * Used by static mounts and by `res.file()`.
 */
import type { BunFile } from "bun";
import { HttpError } from "../errors";
import { CONTENT_TYPE, HAS_HEADERS } from "../symbols";
import { type CacheControlOptions, cacheControlValue } from "./cache-control";
import {
  encodedEtag,
  type FileValidators,
  ifRangeAllows,
  isNotModified,
  parseDate,
  parseRange,
  preconditionFails,
  type ValidatorStrings,
  validatorStrings,
} from "./conditional";

/** Headers and conditional behaviour of a file response. */
export interface FileResponseOptions extends CacheControlOptions {
  /**
   * Send an `ETag` (size + modification time; strong, so downloads can resume with `If-Range`)
   * and answer `If-None-Match` with 304. Default `true`.
   */
  etag?: boolean;
  /** Send `Last-Modified` and answer `If-Modified-Since` with 304. Default `true`. */
  lastModified?: boolean;
  /** Honour `Range` (206/416) and send `Accept-Ranges: bytes`. Default `true`. */
  acceptRanges?: boolean;
}

/** The parts of a request a file response looks at (a `Request` or a `HarpiaRequest`). */
export interface RequestLike {
  readonly method: string;
  readonly headers: Headers;
}

/**
 * What a file response is written to: a `HarpiaResponse`, described by the members used here so
 * that the response module (whose `res.file()` comes here) is not imported back.
 */
export interface FileTarget {
  statusCode: number;
  readonly headers: Headers;
  header(name: string, value: string): unknown;
  hasHeader(name: string): boolean;
  type(contentType: string): unknown;
  status(code: number): unknown;
  send(body: Blob | Response | null): unknown;
  [CONTENT_TYPE]: string | undefined;
  readonly [HAS_HEADERS]: boolean;
}

/** {@link FileResponseOptions} resolved once, at registration. */
export interface PreparedFileOptions {
  etag: boolean;
  lastModified: boolean;
  acceptRanges: boolean;
  cacheControl: string | undefined;
}

function flag(options: FileResponseOptions, name: "etag" | "lastModified" | "acceptRanges"): boolean {
  const value = options[name];
  if (value === undefined) return true;
  if (typeof value !== "boolean")
    throw new TypeError(`${name}: expected true or false, got ${String(value)}`);
  return value;
}

/**
 * Resolves and checks options once (a `TypeError` naming a bad one); `cacheByDefault`
 * decides whether `Cache-Control` is sent when none of its options is set.
 */
export function prepareFileOptions(
  options: FileResponseOptions,
  cacheByDefault: boolean,
): PreparedFileOptions {
  const explicit =
    options.cacheControl !== undefined || options.maxAge !== undefined || options.immutable !== undefined;
  return {
    etag: flag(options, "etag"),
    lastModified: flag(options, "lastModified"),
    acceptRanges: flag(options, "acceptRanges"),
    cacheControl: cacheByDefault || explicit ? cacheControlValue(options) : undefined,
  };
}

/** How one file is sent, beyond its options. */
export interface FileSendDetails<R extends FileTarget = FileTarget> {
  /** `info` is a stat-cache entry reused across requests: a prepared response can be kept on it. */
  reusable?: boolean;
  /** The `Content-Encoding` of the bytes sent (a precompressed sibling of the file asked for). */
  encoding?: string;
  /**
   * Runs once every header of the file is set, before conditions are evaluated: it can read
   * and replace any of them, and 304/412/`If-Range` are then decided on the validators it left.
   */
  setHeaders?: (res: R) => void;
}

const NO_DETAILS: FileSendDetails = {};

/** Headers a file response sets (or `setHeaders` may); an error answer puts them back as they were. */
const FILE_HEADERS = [
  "accept-ranges",
  "cache-control",
  "etag",
  "last-modified",
  "content-encoding",
  "content-type",
];

/** Sets the file's headers on `res` (the cheap way: no `Headers` object unless one exists). */
function applyFileHeaders(
  res: FileTarget,
  options: PreparedFileOptions,
  contentType: string,
  etag: string | undefined,
  strings: ValidatorStrings,
  encoding: string | undefined,
): void {
  if (options.acceptRanges) res.header("accept-ranges", "bytes");
  if (options.cacheControl !== undefined && !res.hasHeader("cache-control"))
    res.header("cache-control", options.cacheControl);
  if (etag !== undefined) res.header("etag", etag);
  if (options.lastModified) res.header("last-modified", strings.lastModified);
  if (encoding !== undefined) res.header("content-encoding", encoding);
  res.type(contentType);
}

/**
 * Remembers the file headers as they are before a file response sets them, and returns the
 * function that puts them back: an error answer must not carry the file's validators,
 * caching rules or coding.
 */
function snapshotFileHeaders(res: FileTarget): () => void {
  const headers = res.headers;
  const before = FILE_HEADERS.map((name) => headers.get(name));
  const typeBefore = res[CONTENT_TYPE];
  return () => {
    FILE_HEADERS.forEach((name, i) => {
      const value = before[i];
      if (value === null || value === undefined) headers.delete(name);
      else headers.set(name, value);
    });
    res[CONTENT_TYPE] = typeBefore;
  };
}

/**
 * Writes the answer for `file` onto `res`: 200 with the file, 206 with a slice, 304 when the
 * client's copy is current, or throws 412/416 as {@link HttpError}s. Only GET and HEAD get
 * 304 and ranges; other methods get the whole file. With `details.setHeaders`, conditions are
 * evaluated against the `ETag`/`Last-Modified` it left, which are the ones the client sees.
 */
export function writeFileResponse<R extends FileTarget>(
  request: RequestLike | undefined,
  res: R,
  file: BunFile,
  info: FileValidators,
  contentType: string,
  options: PreparedFileOptions,
  details: FileSendDetails<R> = NO_DETAILS,
): void {
  const strings = validatorStrings(info);
  const { encoding, setHeaders } = details;
  let etag = options.etag
    ? encoding === undefined
      ? strings.etag
      : encodedEtag(strings.etag, encoding)
    : undefined;
  let modified = options.lastModified ? info.mtimeMs : undefined;
  let undo: (() => void) | undefined;
  const written = setHeaders !== undefined;
  if (written) {
    undo = snapshotFileHeaders(res);
    // A Cache-Control set by earlier middleware shadows the mount's; should setHeaders remove
    // it, the mount's own applies (setHeaders removing the mount's own sends none).
    const inherited = options.cacheControl !== undefined && res.hasHeader("cache-control");
    applyFileHeaders(res, options, contentType, etag, strings, encoding);
    setHeaders(res);
    const headers = res.headers;
    if (inherited && !headers.has("cache-control")) headers.set("cache-control", options.cacheControl!);
    // From here on, the validators are the ones the client will see.
    etag = headers.get("etag") ?? undefined;
    const sent = headers.get("last-modified");
    modified = sent === null ? undefined : sent === strings.lastModified ? info.mtimeMs : parseDate(sent);
  }
  const setValidators = () => {
    if (!written) applyFileHeaders(res, options, contentType, etag, strings, encoding);
  };
  const method = request?.method;
  const conditions = request?.headers;
  // RFC 9110 §13.2.2: preconditions first, then freshness, then Range.
  if (conditions !== undefined && preconditionFails(conditions, etag, modified)) {
    undo?.();
    throw new HttpError(412, "Precondition Failed", { code: "PRECONDITION_FAILED" });
  }
  if (conditions === undefined || (method !== "GET" && method !== "HEAD")) {
    setValidators();
    res.send(file);
    return;
  }
  if (isNotModified(conditions, etag, modified)) {
    setValidators();
    // A 304 describes the cached copy's validators, not a body: no Content-Type.
    res[CONTENT_TYPE] = undefined;
    res.status(304);
    res.send(null);
    return;
  }
  const range = options.acceptRanges ? parseRange(conditions.get("range"), info.size) : undefined;
  if (range !== undefined && ifRangeAllows(conditions, etag, modified)) {
    if (range === "unsatisfiable") {
      undo?.();
      const unsatisfied = `bytes */${info.size}`;
      res.headers.set("content-range", unsatisfied);
      throw new HttpError(416, `Range not satisfiable for a file of ${info.size} bytes`, {
        code: "RANGE_NOT_SATISFIABLE",
        headers: { "content-range": unsatisfied },
      });
    }
    setValidators();
    res.headers.set("content-range", `bytes ${range.start}-${range.end}/${info.size}`);
    res.status(206);
    res.send(file.slice(range.start, range.end + 1));
    return;
  }
  if (
    !written &&
    details.reusable === true &&
    encoding === undefined &&
    method === "GET" &&
    res.statusCode === 200 &&
    !res[HAS_HEADERS] &&
    typeof file.name === "string"
  ) {
    // The plain 200: clone a response prepared once per stat of this file (headers included),
    // instead of building five headers per request. Middleware headers still merge into it.
    res.send(fileTemplate(info, file, contentType, options, strings).clone());
    return;
  }
  setValidators();
  res.send(file);
}

interface Template {
  response: Response;
  path: string;
  contentType: string;
  options: PreparedFileOptions;
  etag: string;
}

/**
 * A ready `200` response for a file, kept on its stat entry: the stat cache hands out a new
 * entry when the file changes (or after its short lifetime), which drops the template too.
 */
function fileTemplate(
  info: FileValidators,
  file: BunFile,
  contentType: string,
  options: PreparedFileOptions,
  strings: ValidatorStrings,
): Response {
  const memo = info as FileValidators & { _template?: Template };
  const cached = memo._template;
  if (
    cached !== undefined &&
    cached.path === file.name &&
    cached.contentType === contentType &&
    cached.options === options &&
    cached.etag === strings.etag
  ) {
    return cached.response;
  }
  const headers: Record<string, string> = { "content-type": contentType };
  if (options.acceptRanges) headers["accept-ranges"] = "bytes";
  if (options.cacheControl !== undefined) headers["cache-control"] = options.cacheControl;
  if (options.etag) headers.etag = strings.etag;
  if (options.lastModified) headers["last-modified"] = strings.lastModified;
  const response = new Response(file, { headers });
  memo._template = { response, path: file.name!, contentType, options, etag: strings.etag };
  return response;
}
