/**
 * The options of a static mount, checked and resolved once at registration: a wrong one is a
 * `TypeError` naming it there, never a 500 on every request later.
 */
import type { Encoding } from "../compress/negotiate";
import type { HarpiaResponse } from "../response";
import { normalizePattern } from "../router/pattern";
import { looksLikeMilliseconds, millisecondsWarning } from "./cache-control";
import { type FileResponseOptions, type PreparedFileOptions, prepareFileOptions } from "./file-response";
import type { Dotfiles } from "./send-file";
import type { FileInfo, StatCacheOptions } from "./stat-cache";

/** Options of `app.static(dir, options)` and `serveStatic()`. */
export interface StaticOptions extends FileResponseOptions {
  /** URL path the folder is served under (default `/`): `{ prefix: "/assets" }` serves `/assets/app.css`. */
  prefix?: string;
  /** File(s) served for a directory, tried in order (default `"index.html"`); `false` for none. */
  index?: string | string[] | false;
  /**
   * A directory asked for without a trailing slash (`/docs`) is redirected (301) to `/docs/`,
   * so relative links in its `index.html` resolve inside it. Default `true`; `false` serves
   * the index directly.
   */
  redirect?: boolean;
  /**
   * Files and folders whose name starts with a dot: `"ignore"` (default) as if absent,
   * `"deny"` with 403, `"allow"` served like any other.
   */
  dotfiles?: Dotfiles;
  /**
   * Extensions tried, in order, when a path that has none finds no file (`["html"]`: `/about`
   * serves `about.html`). A path with an extension (`/about.html`) is never extended.
   */
  extensions?: string[];
  /**
   * `true` (default): a miss goes on to the next mount, then to the 404 handler.
   * `false`: a miss under this prefix is answered 404 here (and other methods than GET/HEAD 405).
   */
  fallthrough?: boolean;
  /**
   * Serve precompressed siblings (`app.js.br`, `app.js.zst`, `app.js.gz`) when the client
   * accepts them: `true` tries Brotli, Zstandard, then gzip; a list sets which and in what
   * order. The response keeps the original file's type, says `Content-Encoding` and has an
   * `ETag` of its own. Default `false`.
   */
  precompressed?: boolean | readonly Encoding[];
  /**
   * Called for each file answered, once its headers (`ETag`, `Last-Modified`,
   * `Cache-Control`, `Content-Type`, `Content-Encoding`) are set: it has the last word on
   * them (`res.header(...)`, `res.headers.delete(...)`), and 304/412/`If-Range` are decided
   * on the validators it leaves. `filePath` and `info` are those of the file asked for.
   */
  setHeaders?: (res: HarpiaResponse, filePath: string, info: FileInfo) => void;
  /**
   * The cache of file metadata (see {@link StatCacheOptions}); `false` asks the disk every
   * time. Not used while the app is in development mode, so an edited file is never answered
   * with its old `ETag`.
   */
  statCache?: StatCacheOptions | false;
  /**
   * Serve this mount's files (up to 1,000 over all mounts) from Bun's route table once the app
   * listens, with responses prepared once per version of each file: the same status, headers
   * and `Bun.file` body as the JS path, without running it. It applies only while
   * nothing else would run for the request (no app-level middleware, no `onRequest`, `onSend` or
   * `onResponse` hooks, no route or WebSocket route on the path, not in development mode, no
   * `precompressed` siblings); `Range` and conditional requests, HEAD and other methods still
   * take the JS path. Files are checked again as often as the stat cache trusts them (every
   * second by default), so a changed, added or removed file is seen as soon as on the JS path
   * (with `statCache: false` or a lifetime under half a second, the mount stays on the JS path).
   * `setHeaders` is then called once per version of a file, not per request. Default `true`.
   */
  native?: boolean;
}

/** {@link StaticOptions} checked and resolved. */
export interface ResolvedStaticOptions {
  prefix: string;
  indexes: string[];
  /** With their leading dot. */
  extensions: string[];
  dotfiles: Dotfiles;
  redirect: boolean;
  fallthrough: boolean;
  precompressed: readonly Encoding[];
  setHeaders: StaticOptions["setHeaders"];
  statCache: StatCacheOptions | false;
  file: PreparedFileOptions;
  /** Said once, in development, when `maxAge` looks like milliseconds. */
  maxAgeWarning: string | undefined;
  native: boolean;
}

const ENCODINGS: readonly Encoding[] = ["br", "zstd", "gzip"];
const DOTFILES: readonly Dotfiles[] = ["ignore", "deny", "allow"];
/** Characters of a URL path segment (RFC 3986 pchar), percent-escapes included. */
const SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=:@%]+$/;

const show = (value: unknown) => (typeof value === "string" ? `"${value}"` : String(value));

function plainName(name: unknown, option: string): string {
  if (typeof name !== "string" || name === "" || /[/\\\0]/.test(name) || name === "." || name === "..") {
    throw new TypeError(`static ${option}: ${show(name)} must be a plain file name`);
  }
  return name;
}

function bool(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean")
    throw new TypeError(`static ${option}: expected true or false, got ${show(value)}`);
  return value;
}

function prefixOf(value: unknown): string {
  if (value === undefined) return "/";
  if (typeof value !== "string")
    throw new TypeError(`static prefix: expected a URL path, got ${show(value)}`);
  const prefix = normalizePattern(value);
  if (prefix === "/") return prefix;
  for (const segment of prefix.slice(1).split("/")) {
    if (!SEGMENT.test(segment) || segment === "." || segment === ".." || segment.startsWith(":")) {
      throw new TypeError(
        `static prefix: "${value}" must be a plain URL path ("/assets"): no empty, "." or ".." segments, ` +
          "no parameters, wildcards, spaces or query",
      );
    }
  }
  return prefix;
}

function indexesOf(value: unknown): string[] {
  if (value === undefined) return ["index.html"];
  if (value === false) return [];
  if (typeof value === "string") return [plainName(value, "index")];
  if (Array.isArray(value)) return value.map((name) => plainName(name, "index"));
  throw new TypeError(`static index: expected a file name, a list of them or false, got ${show(value)}`);
}

function extensionsOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new TypeError(`static extensions: expected a list such as ["html"], got ${show(value)}`);
  return value.map((extension) => {
    if (typeof extension !== "string")
      throw new TypeError(`static extensions: ${show(extension)} is not an extension`);
    return `.${plainName(extension.replace(/^\./, ""), "extensions")}`;
  });
}

function precompressedOf(value: unknown): readonly Encoding[] {
  if (value === undefined || value === false) return [];
  if (value === true) return ENCODINGS;
  if (!Array.isArray(value))
    throw new TypeError(
      `static precompressed: expected true, false or a list such as ["br", "gzip"], got ${show(value)}`,
    );
  for (const encoding of value) {
    if (!ENCODINGS.includes(encoding))
      throw new TypeError(
        `static precompressed: unknown coding ${show(encoding)} (use "br", "zstd" or "gzip")`,
      );
  }
  return value;
}

function statCacheOf(value: unknown): StatCacheOptions | false {
  if (value === undefined) return {};
  if (value === false) return false;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new TypeError(
      `static statCache: expected options ({ maxEntries, ttlSeconds }) or false, got ${show(value)}`,
    );
  return value as StatCacheOptions;
}

/**
 * Checks every option of a static mount and resolves it; throws a `TypeError` that names the
 * option at fault. `FileResponseOptions` errors name theirs (`maxAge`, `etag`, ...).
 */
export function resolveStaticOptions(options: StaticOptions): ResolvedStaticOptions {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`static(dir, options): options must be an object, got ${show(options)}`);
  const dotfiles = options.dotfiles ?? "ignore";
  if (!DOTFILES.includes(dotfiles))
    throw new TypeError(`static dotfiles: expected "ignore", "deny" or "allow", got ${show(dotfiles)}`);
  const setHeaders = options.setHeaders;
  if (setHeaders !== undefined && typeof setHeaders !== "function")
    throw new TypeError(
      `static setHeaders: expected a function (res, filePath, info) => void, got ${show(setHeaders)}`,
    );
  let file: PreparedFileOptions;
  try {
    file = prepareFileOptions(options, true);
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`static ${error.message}`);
    throw error;
  }
  return {
    prefix: prefixOf(options.prefix),
    indexes: indexesOf(options.index),
    extensions: extensionsOf(options.extensions),
    dotfiles,
    redirect: bool(options.redirect, "redirect", true),
    fallthrough: bool(options.fallthrough, "fallthrough", true),
    precompressed: precompressedOf(options.precompressed),
    setHeaders,
    statCache: statCacheOf(options.statCache),
    file,
    native: bool(options.native, "native", true),
    maxAgeWarning: looksLikeMilliseconds(options.maxAge) ? millisecondsWarning(options.maxAge) : undefined,
  };
}
