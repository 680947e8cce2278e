/**
 * Answers a request with a file: validators (`ETag`, `Last-Modified`), 304 and 412,
 * byte ranges (206/416), `Cache-Control`, and a `Bun.file` body that Bun streams from disk.
 * Used by static mounts and by `res.file()`.
 */
import type { BunFile } from "bun";
import { HttpError } from "../errors";
import type { HarpiaResponse } from "../response";
import { type CacheControlOptions, cacheControlValue } from "./cache-control";
import {
  type FileValidators,
  ifRangeAllows,
  isNotModified,
  parseRange,
  preconditionFails,
  validatorStrings,
} from "./conditional";
import { contentTypeFor, withCharset } from "./mime";
import { resolveInside } from "./safe-path";
import { statPath } from "./stat-cache";

/** What to do with files and folders whose name starts with a dot (`.env`, `.git/`). */
export type Dotfiles = "ignore" | "deny" | "allow";

/** Headers and conditional behaviour of a file response. */
export interface FileResponseOptions extends CacheControlOptions {
  /** Send a weak `ETag` (size + mtime) and answer `If-None-Match` with 304. Default `true`. */
  etag?: boolean;
  /** Send `Last-Modified` and answer `If-Modified-Since` with 304. Default `true`. */
  lastModified?: boolean;
  /** Honour `Range` (206/416) and send `Accept-Ranges: bytes`. Default `true`. */
  acceptRanges?: boolean;
}

/** Options of `res.file(path, options)`. */
export interface FileOptions extends FileResponseOptions {
  /**
   * Resolve `path` inside this folder and refuse anything that would leave it (`..`, NUL,
   * backslashes): the safe way to send a file named by the client, e.g. a route param.
   */
  root?: string;
  /** With `root`: how to treat dotfiles in `path` (default `"ignore"`: 404). */
  dotfiles?: Dotfiles;
  /** `Content-Type` to send instead of the one guessed from the extension. */
  contentType?: string;
}

/** The parts of a request a file response looks at (a `Request` or a `HarpiaRequest`). */
export interface RequestLike {
  readonly method: string;
  readonly headers: Headers;
}

/** {@link FileResponseOptions} resolved once, at registration. */
export interface PreparedFileOptions {
  etag: boolean;
  lastModified: boolean;
  acceptRanges: boolean;
  cacheControl: string | undefined;
}

/** Resolves options once; `cacheByDefault` decides whether `Cache-Control` is sent when unset. */
export function prepareFileOptions(
  options: FileResponseOptions,
  cacheByDefault: boolean,
): PreparedFileOptions {
  const explicit =
    options.cacheControl !== undefined || options.maxAge !== undefined || options.immutable !== undefined;
  return {
    etag: options.etag ?? true,
    lastModified: options.lastModified ?? true,
    acceptRanges: options.acceptRanges ?? true,
    cacheControl: cacheByDefault || explicit ? cacheControlValue(options) : undefined,
  };
}

/**
 * Writes the answer for `file` onto `res`: 200 with the file, 206 with a slice, 304 when the
 * client's copy is current, or throws 412/416 as {@link HttpError}s. Only GET and HEAD get
 * 304 and ranges; other methods get the whole file.
 */
export function writeFileResponse(
  request: RequestLike | undefined,
  res: HarpiaResponse,
  file: BunFile,
  info: FileValidators,
  contentType: string,
  options: PreparedFileOptions,
  /** `info` is a stat-cache entry reused across requests: a prepared response can be kept on it. */
  reusable = false,
): void {
  const strings = validatorStrings(info);
  const etag = options.etag ? strings.etag : undefined;
  const modified = options.lastModified ? info.mtimeMs : undefined;
  const setValidators = () => {
    if (options.acceptRanges) res.header("accept-ranges", "bytes");
    if (options.cacheControl !== undefined && !res.hasHeader("cache-control"))
      res.header("cache-control", options.cacheControl);
    if (etag !== undefined) res.header("etag", etag);
    if (modified !== undefined) res.header("last-modified", strings.lastModified);
  };
  const method = request?.method;
  const conditions = request?.headers;
  // RFC 9110 §13.2.2: preconditions first, then freshness, then Range.
  if (conditions !== undefined && preconditionFails(conditions, etag, modified)) {
    throw new HttpError(412, "Precondition Failed", { code: "PRECONDITION_FAILED" });
  }
  if (conditions === undefined || (method !== "GET" && method !== "HEAD")) {
    setValidators();
    res.type(contentType).send(file);
    return;
  }
  if (isNotModified(conditions, etag, modified)) {
    setValidators();
    res.status(304).send(null);
    return;
  }
  const range = options.acceptRanges ? parseRange(conditions.get("range"), info.size) : undefined;
  if (range !== undefined && ifRangeAllows(conditions, etag, modified)) {
    if (range === "unsatisfiable") {
      const unsatisfied = `bytes */${info.size}`;
      res.headers.set("content-range", unsatisfied);
      throw new HttpError(416, `Range not satisfiable for a file of ${info.size} bytes`, {
        code: "RANGE_NOT_SATISFIABLE",
        headers: { "content-range": unsatisfied },
      });
    }
    setValidators();
    res.headers.set("content-range", `bytes ${range.start}-${range.end}/${info.size}`);
    res
      .status(206)
      .type(contentType)
      .send(file.slice(range.start, range.end + 1));
    return;
  }
  if (
    reusable &&
    method === "GET" &&
    res.statusCode === 200 &&
    !res._hasHeaders &&
    typeof file.name === "string"
  ) {
    // The plain 200: clone a response prepared once per stat of this file (headers included),
    // instead of building five headers per request. Middleware headers still merge into it.
    res.send(fileTemplate(info, file, contentType, options, strings).clone());
    return;
  }
  setValidators();
  res.type(contentType).send(file);
}

interface Template {
  response: Response;
  path: string;
  contentType: string;
  options: PreparedFileOptions;
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
  strings: { etag: string; lastModified: string },
): Response {
  const memo = info as FileValidators & { _template?: Template };
  const cached = memo._template;
  if (
    cached !== undefined &&
    cached.path === file.name &&
    cached.contentType === contentType &&
    cached.options === options
  ) {
    return cached.response;
  }
  const headers: Record<string, string> = { "content-type": contentType };
  if (options.acceptRanges) headers["accept-ranges"] = "bytes";
  if (options.cacheControl !== undefined) headers["cache-control"] = options.cacheControl;
  if (options.etag) headers.etag = strings.etag;
  if (options.lastModified) headers["last-modified"] = strings.lastModified;
  const response = new Response(file, { headers });
  memo._template = { response, path: file.name!, contentType, options };
  return response;
}

const NOT_FOUND = () => new HttpError(404, "File not found", { code: "NOT_FOUND" });

/**
 * `res.file()`: sends a file with validators, 304s and ranges. With `root`, `path` is resolved
 * safely inside it. A missing file (or a directory) is a 404.
 */
export async function sendFileFrom(
  request: RequestLike | undefined,
  res: HarpiaResponse,
  path: string | BunFile,
  options: FileOptions = {},
): Promise<void> {
  let filePath: string | undefined;
  let file: BunFile;
  if (typeof path === "string") {
    filePath = path;
    if (options.root !== undefined) {
      const inside = resolveInside(options.root, path);
      if (inside === undefined)
        throw new HttpError(400, "Invalid file path", { code: "BAD_REQUEST", details: { path } });
      const dotfiles = options.dotfiles ?? "ignore";
      if (dotfiles !== "allow" && path.split("/").some((s) => s.startsWith("."))) {
        if (dotfiles === "deny") throw new HttpError(403, "Forbidden", { code: "FORBIDDEN" });
        throw NOT_FOUND();
      }
      filePath = inside;
    }
    file = Bun.file(filePath);
  } else {
    file = path;
    filePath = typeof path.name === "string" ? path.name : undefined;
  }
  const prepared = prepareFileOptions(options, false);
  const type =
    options.contentType ??
    (typeof path === "string"
      ? contentTypeFor(filePath!)
      : withCharset(path.type || "application/octet-stream"));
  if (filePath === undefined) {
    // A file without a path (e.g. from a descriptor) has no metadata to validate against.
    if (!(await file.exists())) throw NOT_FOUND();
    res.type(type).send(file);
    return;
  }
  const info = await statPath(filePath);
  if (info === null || info.kind !== "file") throw NOT_FOUND();
  writeFileResponse(request, res, file, info, type, prepared);
}
