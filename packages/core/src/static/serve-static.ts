/**
 * Static file mounts: `app.static("public", options)` or the `serveStatic()` middleware.
 * A mount maps URL paths under its prefix to files under its root, refuses anything that
 * could leave the root, and answers with validators, 304s and ranges (see `file-response.ts`).
 */
import { existsSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { acceptableEncodings, type Encoding } from "../compress/negotiate";
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { STATIC_MOUNT } from "../symbols";
import type { Middleware } from "../types";
import { vary } from "../utils/vary";
import { type FileSendDetails, writeFileResponse } from "./file-response";
import { contentTypeFor } from "./mime";
import { decodeUrlPath, joinInside } from "./safe-path";
import { type FileInfo, StatCache, statPath } from "./stat-cache";
import { resolveStaticOptions, type StaticOptions } from "./static-options";

export type { StaticOptions } from "./static-options";

/** Tries to answer a request from a static mount; `true` when it did. */
export type StaticHandler = ((req: HarpiaRequest<any>, res: HarpiaResponse) => boolean | Promise<boolean>) & {
  /** What the mount tells `listen` to serve its files from Bun's route table (see `native-files.ts`). */
  readonly [STATIC_MOUNT]: StaticMount;
};

/** A static mount as `listen` sees it, to prepare responses for its files. */
export interface StaticMount {
  readonly root: string;
  readonly prefix: string;
  readonly dotfiles: "ignore" | "deny" | "allow";
  /**
   * Whether its files may be served from Bun's route table: the `native` option, and only for a
   * mount whose answer depends on nothing but the file (no precompressed siblings) and whose
   * metadata is cached for at least half a second (with less, or `statCache: false`, the JS path
   * sees changes at once or nearly).
   */
  readonly native: boolean;
  /** How long a file's metadata is trusted on the JS path: the native table is checked as often. */
  readonly ttlMs: number;
  /** Writes the JS path's answer for `filePath` (a file, described by `info`) onto `res`. */
  serveFile(req: HarpiaRequest<any>, res: HarpiaResponse, filePath: string, info: FileInfo): void;
}

const ALLOW_GET_HEAD = { allow: "GET, HEAD" };

/** How a plain file is sent, with and without a stat cache (shared: no allocation per request). */
const REUSABLE: FileSendDetails = { reusable: true };
const SINGLE_USE: FileSendDetails = { reusable: false };

/**
 * Shortest stat cache lifetime with which files are served natively (checked that often): below
 * it, the JS path sees changes almost at once and scanning the folder would cost more than it saves.
 */
const NATIVE_MIN_TTL_MS = 500;

/** File name suffixes of precompressed siblings. */
const SUFFIX: Record<Encoding, string> = { br: ".br", zstd: ".zst", gzip: ".gz" };

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
  const {
    prefix,
    indexes,
    extensions,
    dotfiles,
    redirect,
    fallthrough,
    precompressed,
    setHeaders,
    statCache,
    file: prepared,
    maxAgeWarning,
    native,
  } = resolveStaticOptions(options);
  const root = resolve(dir);
  if (!existsSync(root)) console.warn(`[harpia] static: the folder "${root}" does not exist (yet)`);
  const cache = statCache === false ? undefined : new StatCache(statCache);
  const cacheInUse = () => cache !== undefined && !inDevelopment();
  const stats = {
    get: (path: string) => (cache === undefined || inDevelopment() ? statPath(path) : cache.get(path)),
  };
  let pendingWarning = maxAgeWarning;

  const miss = (): false => {
    if (fallthrough) return false;
    throw new HttpError(404, "File not found", { code: "NOT_FOUND" });
  };

  const serve = (
    req: HarpiaRequest<any>,
    res: HarpiaResponse,
    filePath: string,
    info: FileInfo,
  ): true | Promise<true> => {
    if (precompressed.length > 0) return servePrecompressed(req, res, filePath, info);
    const details =
      setHeaders === undefined
        ? cacheInUse()
          ? REUSABLE
          : SINGLE_USE
        : { setHeaders: (r: HarpiaResponse) => setHeaders(r, filePath, info) };
    writeFileResponse(req, res, Bun.file(filePath), info, contentTypeFor(filePath), prepared, details);
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
    // The sibling's own bytes, size and time: its ETag is its own, marked with the coding.
    writeFileResponse(req, res, Bun.file(sentPath), sentInfo, contentTypeFor(filePath), prepared, {
      encoding,
      setHeaders: setHeaders && ((r) => setHeaders(r, filePath, info)),
    });
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
    // As serve-static: only a name without an extension is extended (`/about`, not `/about.html`).
    if (info === null && !trailingSlash && segmentCount > 0 && extname(target) === "") {
      for (const extension of extensions) {
        const candidate = target + extension;
        const found = await stats.get(candidate);
        if (found?.kind === "file") return serve(req, res, candidate, found);
      }
    }
    return miss();
  };

  const handler = (req: HarpiaRequest<any>, res: HarpiaResponse): boolean | Promise<boolean> => {
    const rest = below(req.path, prefix);
    if (rest === undefined) return false;
    if (pendingWarning !== undefined && inDevelopment()) {
      console.warn(pendingWarning);
      pendingWarning = undefined;
    }
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
  const ttlMs = statCache === false ? 0 : (statCache.ttlSeconds ?? 1) * 1000;
  const mount: StaticMount = {
    root,
    prefix,
    dotfiles,
    native: native && precompressed.length === 0 && ttlMs >= NATIVE_MIN_TTL_MS,
    ttlMs,
    serveFile: (req, res, filePath, info) => {
      serve(req, res, filePath, info);
    },
  };
  return Object.assign(handler, { [STATIC_MOUNT]: mount });
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
