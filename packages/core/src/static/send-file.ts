/**
 * `res.file()`: one file from disk, with the validators, 304s and ranges of
 * `file-response.ts`, optionally resolved safely inside a root folder.
 */
import type { BunFile } from "bun";
import { HttpError } from "../errors";
import {
  type FileResponseOptions,
  type FileTarget,
  prepareFileOptions,
  type RequestLike,
  writeFileResponse,
} from "./file-response";
import { contentTypeFor, withCharset } from "./mime";
import { resolveInside } from "./safe-path";
import { statPath } from "./stat-cache";

export type { FileResponseOptions, RequestLike } from "./file-response";

/** What to do with files and folders whose name starts with a dot (`.env`, `.git/`). */
export type Dotfiles = "ignore" | "deny" | "allow";

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

const NOT_FOUND = () => new HttpError(404, "File not found", { code: "NOT_FOUND" });

/**
 * `res.file()`: sends a file with validators, 304s and ranges. With `root`, `path` is resolved
 * safely inside it. A missing file (or a directory) is a 404.
 */
export async function sendFileFrom(
  request: RequestLike | undefined,
  res: FileTarget,
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
    res.type(type);
    res.send(file);
    return;
  }
  const info = await statPath(filePath);
  if (info === null || info.kind !== "file") throw NOT_FOUND();
  writeFileResponse(request, res, file, info, type, prepared);
}
