import { randomUUID } from "node:crypto";
import { mkdir, open, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { mediaType } from "../body/parse";
import type { UploadedFile } from "../body/types";
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import type { RouteFileInfo } from "../schema/types";
import { type Middleware, type MiddlewareWithOptions, withRouteOptions } from "../types";
import { positiveInteger } from "../utils/internal/check";
import { optionalSize } from "../utils/size";
import { withFileField } from "./fields";
import { displayName, fileExtension, sanitizeFileName } from "./sanitize";
import { claimedTypes, SIGNATURE_BYTES, sniffType } from "./signature";
import type { FileNamer, SavedFile, UploadOptions } from "./types";

/** Room left in the body limit for the form's other fields and the multipart framing. */
const FORM_OVERHEAD = 64 * 1024;
const DEFAULT_MAX_FILES = 10;
/** Tries at a free name before giving up (each retry adds 48 random bits). */
const NAME_ATTEMPTS = 5;

/** A file that passed every rule, waiting to be written. */
interface CheckedFile {
  file: UploadedFile;
  extension: string;
  type: string;
}

function stringList(name: string, list: string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string" || item.trim() === ""))
    throw new TypeError(`Upload: ${name} must be an array of non-empty strings`);
  return list.map((item) => item.trim().toLowerCase());
}

function refusal(status: number, code: string, message: string, details: Record<string, unknown>): HttpError {
  return new HttpError(status, message, { code, details });
}

/**
 * Saves uploaded files to disk after checking them: size, extension, declared type and, for
 * JPEG/PNG/GIF/WebP/PDF, the file's signature bytes. Use `upload.single` or `upload.multiple`
 * as route middleware; the saved files are described on `req.uploads`.
 *
 * @example
 * const upload = new Upload({
 *   fieldName: "file",
 *   prefix: "profile",
 *   path: "tmp",
 *   options: { allowedExtensions: [".jpg"], allowedTypes: ["image/jpeg"], maxSize: 2 * 1024 * 1024 },
 * });
 * app.post("/user", upload.single, (req, res) => res.json(req.uploads[0]));
 */
export class Upload {
  /** Middleware saving the one file of `fieldName` (more than one is a 400). */
  readonly single: MiddlewareWithOptions;
  /** Middleware saving every file of `fieldName`, up to `maxFiles`; all or nothing. */
  readonly multiple: MiddlewareWithOptions;
  /** The absolute directory files are saved into. */
  readonly directory: string;
  private readonly field: string;
  private readonly prefix: string;
  private readonly namer: string | FileNamer | undefined;
  private readonly maxSize: number | undefined;
  private readonly maxFiles: number;
  private readonly extensions: Set<string> | undefined;
  private readonly types: string[] | undefined;
  private readonly required: boolean;
  private readonly verifyContent: boolean;
  private ready: Promise<unknown> | undefined;

  constructor(options: UploadOptions = {}) {
    const rules = options.options ?? {};
    this.field = options.fieldName ?? "file";
    if (typeof this.field !== "string" || this.field === "")
      throw new TypeError("Upload: fieldName must be a non-empty string");
    if (options.prefix !== undefined && typeof options.prefix !== "string")
      throw new TypeError("Upload: prefix must be a string");
    this.prefix = sanitizeFileName(options.prefix ?? "", 40);
    const namer = options.fileName;
    if (namer !== undefined && typeof namer !== "string" && typeof namer !== "function")
      throw new TypeError("Upload: fileName must be a string or a function");
    this.namer = namer;
    if (options.path !== undefined && (typeof options.path !== "string" || options.path === ""))
      throw new TypeError("Upload: path must be a non-empty directory path");
    this.directory = resolve(options.path ?? "uploads");
    this.maxSize = optionalSize(rules.maxSize, "Upload: options.maxSize");
    this.maxFiles =
      rules.maxFiles === undefined
        ? DEFAULT_MAX_FILES
        : positiveInteger(rules.maxFiles, "Upload: options.maxFiles");
    const extensions = stringList("allowedExtensions", rules.allowedExtensions);
    this.extensions = extensions && new Set(extensions.map((e) => (e.startsWith(".") ? e : `.${e}`)));
    this.types = stringList("allowedTypes", rules.allowedTypes);
    this.required = rules.required ?? true;
    this.verifyContent = rules.verifyContent ?? true;
    const bodyLimit = optionalSize(options.bodyLimit, "Upload: bodyLimit");

    const limitFor = (files: number) =>
      bodyLimit ??
      (this.maxSize === undefined
        ? undefined
        : Math.min(this.maxSize * files + FORM_OVERHEAD, Number.MAX_SAFE_INTEGER));
    const single: Middleware = async (req, _res, next) => {
      await this.saveInto(req, 1);
      return next();
    };
    const multiple: Middleware = async (req, _res, next) => {
      await this.saveInto(req, this.maxFiles);
      return next();
    };
    // What the route table lists (and documentation shows): the field and the rules a client meets.
    const field = (multiple: boolean): RouteFileInfo => ({
      field: this.field,
      multiple,
      required: this.required,
      maxFiles: multiple ? this.maxFiles : 1,
      ...(this.maxSize === undefined ? {} : { maxSize: this.maxSize }),
      ...(this.types === undefined ? {} : { types: this.types }),
      ...(this.extensions === undefined ? {} : { extensions: [...this.extensions] }),
    });
    this.single = withFileField(
      withRouteOptions(single, { bodyLimit: limitFor(1), accepts: "multipart" }),
      field(false),
    );
    this.multiple = withFileField(
      withRouteOptions(multiple, { bodyLimit: limitFor(this.maxFiles), accepts: "multipart" }),
      field(true),
    );
  }

  /**
   * Deletes saved files (e.g. when the record they belong to could not be stored). Only files
   * inside this upload's directory are touched; missing ones are ignored.
   */
  async remove(files: readonly SavedFile[]): Promise<void> {
    await Promise.all(
      files
        .filter((file) => dirname(resolve(file.path)) === this.directory)
        .map((file) => unlink(file.path).catch(() => {})),
    );
  }

  private async saveInto(req: HarpiaRequest<any>, max: number): Promise<void> {
    const files = req.files.filter((file) => file.fieldname === this.field);
    if (files.length === 0) {
      if (!this.required) return;
      throw refusal(400, "FILE_REQUIRED", `No file was sent in the field "${this.field}"`, {
        field: this.field,
        rule: "required",
      });
    }
    if (files.length > max) {
      const message =
        max === 1
          ? `Only one file is accepted in the field "${this.field}", got ${files.length}`
          : `At most ${max} files are accepted in the field "${this.field}", got ${files.length}`;
      throw refusal(400, "TOO_MANY_FILES", message, {
        field: this.field,
        rule: "maxFiles",
        limit: max,
        received: files.length,
      });
    }
    // Every file is checked before any is written, so a refusal leaves nothing on disk.
    const checked: CheckedFile[] = [];
    for (const file of files) checked.push(await this.check(file));
    const saved = await this.writeAll(req, checked);
    req.uploads = req.uploads.length === 0 ? saved : [...req.uploads, ...saved];
  }

  private async check(file: UploadedFile): Promise<CheckedFile> {
    const shown = displayName(file.originalname ?? file.name);
    const extension = fileExtension(file.name);
    const declared = mediaType(file.type) || "application/octet-stream";
    const about = { field: this.field, file: shown };
    if (this.maxSize !== undefined && file.size > this.maxSize) {
      throw refusal(
        413,
        "FILE_TOO_LARGE",
        `File "${shown}" is ${file.size} bytes; the limit (maxSize) is ${this.maxSize}`,
        { ...about, rule: "maxSize", limit: this.maxSize, size: file.size },
      );
    }
    if (this.extensions !== undefined && !this.extensions.has(extension)) {
      throw refusal(
        415,
        "FILE_EXTENSION_NOT_ALLOWED",
        `File "${shown}" has ${extension ? `the extension "${extension}"` : "no extension"}; allowed (allowedExtensions): ${[...this.extensions].join(", ")}`,
        { ...about, rule: "allowedExtensions", allowed: [...this.extensions], extension },
      );
    }
    if (this.types !== undefined && !this.typeAllowed(declared)) {
      throw refusal(
        415,
        "FILE_TYPE_NOT_ALLOWED",
        `File "${shown}" is declared as "${declared}"; allowed (allowedTypes): ${this.types.join(", ")}`,
        { ...about, rule: "allowedTypes", allowed: this.types, type: declared },
      );
    }
    let type = declared;
    if (this.verifyContent) {
      const head = new Uint8Array(await file.slice(0, SIGNATURE_BYTES).arrayBuffer());
      const sniffed = sniffType(head);
      const unproven = claimedTypes(declared, extension).find((claim) => claim !== sniffed);
      const disallowed = sniffed !== undefined && this.types !== undefined && !this.typeAllowed(sniffed);
      if (unproven !== undefined || disallowed) {
        const message =
          unproven !== undefined
            ? `File "${shown}" does not contain ${unproven} data (its content does not match its type or extension)`
            : `File "${shown}" contains ${sniffed} data, which is not allowed (allowedTypes): ${this.types!.join(", ")}`;
        throw refusal(415, "FILE_CONTENT_MISMATCH", message, {
          ...about,
          rule: "content",
          claimed: unproven ?? declared,
          detected: sniffed ?? null,
        });
      }
      if (sniffed !== undefined) type = sniffed;
    }
    return { file, extension, type };
  }

  private typeAllowed(type: string): boolean {
    return this.types!.some((allowed) =>
      allowed.endsWith("/*") ? type.startsWith(allowed.slice(0, -1)) : allowed === type,
    );
  }

  private async writeAll(req: HarpiaRequest<any>, files: CheckedFile[]): Promise<SavedFile[]> {
    await this.ensureDirectory();
    const saved: SavedFile[] = [];
    try {
      for (const checked of files) saved.push(await this.write(req, checked));
    } catch (error) {
      await this.remove(saved);
      throw error;
    }
    return saved;
  }

  private ensureDirectory(): Promise<unknown> {
    this.ready ??= mkdir(this.directory, { recursive: true }).catch((error) => {
      this.ready = undefined; // let the next request try again
      throw error;
    });
    return this.ready;
  }

  /** The name without extension: the configured one, sanitised, or a random one. */
  private stem(req: HarpiaRequest<any>, file: UploadedFile, extension: string): string {
    const raw = typeof this.namer === "function" ? this.namer(file, req) : (this.namer ?? randomUUID());
    if (typeof raw !== "string") throw new TypeError("Upload: the fileName function must return a string");
    let base = sanitizeFileName(raw);
    if (extension !== "" && base.toLowerCase().endsWith(extension)) base = base.slice(0, -extension.length);
    if (base === "") base = randomUUID();
    return this.prefix === "" ? base : `${this.prefix}-${base}`;
  }

  /** Writes one file under a name nobody else holds: created exclusively, never overwritten. */
  private async write(req: HarpiaRequest<any>, checked: CheckedFile): Promise<SavedFile> {
    const { file, extension } = checked;
    const stem = this.stem(req, file, extension);
    let name = `${stem}${extension}`;
    for (let attempt = 1; ; attempt++) {
      const path = join(this.directory, name);
      // Sanitising already rules this out; checked again because a path escape must be impossible.
      if (dirname(path) !== this.directory)
        throw new Error(`Upload: refusing to write outside ${this.directory}`);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(path, "wx", 0o644);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= NAME_ATTEMPTS) throw error;
        name = `${stem}-${randomUUID().slice(-12)}${extension}`;
        continue;
      }
      try {
        await handle.writeFile(new Uint8Array(await file.arrayBuffer()));
      } catch (error) {
        await handle.close().catch(() => {});
        await unlink(path).catch(() => {});
        throw error;
      }
      await handle.close();
      return {
        field: file.fieldname,
        name,
        path,
        originalName: file.originalname ?? file.name,
        size: file.size,
        type: checked.type,
      };
    }
  }
}
