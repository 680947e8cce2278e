/**
 * Static file mounts: `app.static("public", options)` or the `serveStatic()` middleware.
 * A mount maps URL paths under its prefix to files under its root, refuses anything that
 * could leave the root, and answers with validators, 304s and ranges (see `send-file.ts`).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { acceptableEncodings, type Encoding } from "../compress/negotiate";
import { vary } from "../cors/vary";
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { normalizePattern } from "../router/pattern";
import type { Middleware } from "../types";
import { contentTypeFor } from "./mime";
import { decodeUrlPath, joinInside } from "./safe-path";
import { type Dotfiles, type FileResponseOptions, prepareFileOptions, writeFileResponse } from "./send-file";
import { type FileInfo, StatCache, type StatCacheOptions, statPath } from "./stat-cache";

/** Options of `app.static(dir, options)` and {@link serveStatic}. */
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
  /** Extensions tried when a path has no file (`["html"]`: `/about` serves `about.html`). */
  extensions?: string[];
  /**
   * `true` (default): a miss goes on to the next mount, then to the 404 handler.
   * `false`: a miss under this prefix is answered 404 here (and other methods than GET/HEAD 405).
   */
  fallthrough?: boolean;
  /**
   * Serve precompressed siblings (`app.js.br`, `app.js.zst`, `app.js.gz`) when the client
   * accepts them: `true` tries Brotli, Zstandard, then gzip; a list sets which and in what
   * order. The response keeps the original file's type and says `Content-Encoding`. Default `false`.
   */
  precompressed?: boolean | readonly Encoding[];
  /** Called before a file is sent, to add headers (`res.header(...)`). */
  setHeaders?: (res: HarpiaResponse, filePath: string, info: FileInfo) => void;
  /**
   * The cache of file metadata (see {@link StatCacheOptions}); `false` asks the disk every
   * time. Not used while the app is in development mode, so an edited file is never answered
   * with its old `ETag`.
   */
  statCache?: StatCacheOptions | false;
}

/** Tries to answer a request from a static mount; `true` when it did. */
export type StaticHandler = (req: HarpiaRequest<any>, res: HarpiaResponse) => boolean | Promise<boolean>;

const ALLOW_GET_HEAD = { allow: "GET, HEAD" };

/** File name suffixes of precompressed siblings. */
const SUFFIX: Record<Encoding, string> = { br: ".br", zstd: ".zst", gzip: ".gz" };

function checkName(name: string, option: string): string {
  if (typeof name !== "string" || name === "" || /[/\\\0]/.test(name) || name === "." || name === "..") {
    throw new TypeError(`static ${option}: "${name}" must be a plain file name`);
  }
  return name;
}

/** The part of `path` below `prefix`, by whole segments; `undefined` when outside it. */
function below(path: string, prefix: string): string | undefined {
  if (prefix === "/") return path;
  if (!path.startsWith(prefix)) return undefined;
  if (path.length === prefix.length) return "";
  return path.charCodeAt(prefix.length) === 47 /* "/" */ ? path.slice(prefix.length) : undefined;
}

/** The URL of a directory with its trailing slash, never protocol-relative (`//evil.example`). */
function directoryUrl(req: HarpiaRequest<any>): string {
  const url = req.url;
  const queryStart = url.indexOf("?");
  const search = queryStart === -1 ? "" : url.slice(queryStart);
  return `/${req.path.replace(/^\/+/, "")}/${search}`;
}

/**
 * Builds the handler of one static mount. Everything that can be decided from the options
 * (root, prefix, index names, headers) is decided here, once. `inDevelopment` is asked per
 * request (the app's mode can change at `listen`) to bypass the metadata cache.
 */
export function createStaticHandler(
  dir: string,
  options: StaticOptions = {},
  inDevelopment: () => boolean = () => false,
): StaticHandler {
  if (typeof dir !== "string" || dir === "") throw new TypeError("static(dir): dir must be a folder path");
  const root = resolve(dir);
  if (!existsSync(root)) console.warn(`[harpia] static: the folder "${root}" does not exist (yet)`);
  const prefix = normalizePattern(options.prefix ?? "/");
  const indexes =
    options.index === false ? [] : [options.index ?? "index.html"].flat().map((n) => checkName(n, "index"));
  const extensions = (options.extensions ?? []).map(
    (e) => `.${checkName(e.replace(/^\./, ""), "extensions")}`,
  );
  const dotfiles: Dotfiles = options.dotfiles ?? "ignore";
  if (!["ignore", "deny", "allow"].includes(dotfiles))
    throw new TypeError(`static dotfiles: expected "ignore", "deny" or "allow", got "${dotfiles}"`);
  const redirect = options.redirect ?? true;
  const fallthrough = options.fallthrough ?? true;
  const prepared = prepareFileOptions(options, true);
  const setHeaders = options.setHeaders;
  const cache = options.statCache === false ? undefined : new StatCache(options.statCache);
  const cacheInUse = () => cache !== undefined && !inDevelopment();
  const stats = {
    get: (path: string) => (cache === undefined || inDevelopment() ? statPath(path) : cache.get(path)),
  };

  const miss = (): false => {
    if (fallthrough) return false;
    throw new HttpError(404, "File not found", { code: "NOT_FOUND" });
  };

  const precompressed: readonly Encoding[] =
    options.precompressed === true ? ["br", "zstd", "gzip"] : options.precompressed || [];
  for (const encoding of precompressed) {
    if (!(encoding in SUFFIX)) throw new TypeError(`static precompressed: unknown coding "${encoding}"`);
  }

  const serve = (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    filePath: string,
    info: FileInfo,
  ): true | Promise<true> => {
    if (precompressed.length > 0) return servePrecompressed(req, res, filePath, info);
    setHeaders?.(res, filePath, info);
    writeFileResponse(req, res, Bun.file(filePath), info, contentTypeFor(filePath), prepared, cacheInUse());
    return true;
  };

  const servePrecompressed = async (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    filePath: string,
    info: FileInfo,
  ) => {
    let sentPath = filePath;
    let sentInfo = info;
    let encoding: Encoding | undefined;
    vary(res, "Accept-Encoding");
    for (const candidate of acceptableEncodings(req.headers.get("accept-encoding"), precompressed)) {
      const found = await stats.get(filePath + SUFFIX[candidate]);
      if (found?.kind === "file") {
        [sentPath, sentInfo, encoding] = [filePath + SUFFIX[candidate], found, candidate];
        break;
      }
    }
    setHeaders?.(res, filePath, info);
    writeFileResponse(req, res, Bun.file(sentPath), sentInfo, contentTypeFor(filePath), prepared);
    // Set only once the file is being sent: a 412/416 error body is not encoded.
    if (encoding !== undefined) res.headers.set("content-encoding", encoding);
    return true as const;
  };

  /** Directories (index files, the slash redirect) and extension guesses: the rarer, async cases. */
  const resolveOther = async (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    rest: string,
    trailingSlash: boolean,
    segmentCount: number,
    target: string,
    info: FileInfo | null,
  ): Promise<boolean> => {
    if (info?.kind === "directory") {
      if (indexes.length === 0) return miss();
      if (redirect && !rest.endsWith("/")) {
        res.redirect(directoryUrl(req), 301);
        return true;
      }
      for (const name of indexes) {
        const candidate = join(target, name);
        const found = await stats.get(candidate);
        if (found?.kind === "file") return serve(req, res, candidate, found);
      }
      return miss();
    }
    if (info === null && !trailingSlash && segmentCount > 0) {
      for (const extension of extensions) {
        const candidate = target + extension;
        const found = await stats.get(candidate);
        if (found?.kind === "file") return serve(req, res, candidate, found);
      }
    }
    return miss();
  };

  return (req, res) => {
    const rest = below(req.path, prefix);
    if (rest === undefined) return false;
    const method = req.method;
    if (method !== "GET" && method !== "HEAD") {
      if (fallthrough) return false;
      throw new HttpError(405, `Method ${method} is not allowed for static files`, {
        code: "METHOD_NOT_ALLOWED",
        headers: ALLOW_GET_HEAD,
      });
    }
    const decoded = decodeUrlPath(rest);
    if (!decoded.ok) {
      if (decoded.reason === "malformed")
        throw new HttpError(400, "Malformed percent-encoding in URL path", { code: "MALFORMED_URI" });
      return miss();
    }
    const { segments } = decoded;
    if (dotfiles !== "allow" && segments.some((s) => s.charCodeAt(0) === 46 /* "." */)) {
      if (dotfiles === "deny") throw new HttpError(403, "Forbidden", { code: "FORBIDDEN" });
      return miss();
    }
    const target = joinInside(root, segments);
    if (target === undefined) return miss();
    const afterStat = (info: FileInfo | null): boolean | Promise<boolean> => {
      if (info?.kind === "file") return decoded.trailingSlash ? miss() : serve(req, res, target, info);
      return resolveOther(req, res, rest, decoded.trailingSlash, segments.length, target, info);
    };
    // A file whose stat is cached is served without waiting on anything.
    const found = stats.get(target);
    return found instanceof Promise ? found.then(afterStat) : afterStat(found);
  };
}

/**
 * Static files as a middleware: serves a file when one matches, otherwise calls `next()`.
 * Prefer `app.static(dir)`, which only runs after no route matched (so routed requests never
 * touch the disk); use this to serve files in the middle of a chain or on a router.
 *
 * @example
 * app.use(serveStatic("public", { prefix: "/assets", maxAge: "7d", immutable: true }));
 */
export function serveStatic(dir: string, options?: StaticOptions): Middleware {
  const handle = createStaticHandler(dir, options);
  return async (req, res, next) => {
    if (!(await handle(req, res))) await next();
  };
}
