import type { UploadedFile } from "../body/types";
import type { HarpiaRequest } from "../request";
import type { Size } from "../utils/size";

export type { SavedFile } from "./saved-file";

/** Builds a saved file's name (without extension); the result is sanitised and made unique. */
export type FileNamer = (file: UploadedFile, req: HarpiaRequest<any>) => string;

/** Rules every uploaded file must pass (the seed's `options`). */
export interface UploadRules {
  /** Allowed extensions of the client's file name, e.g. `[".jpg", ".png"]` (case-insensitive). */
  allowedExtensions?: string[];
  /** Allowed MIME types, exact (`"image/jpeg"`) or by family (`"image/*"`). */
  allowedTypes?: string[];
  /**
   * Largest file: bytes, or a size such as `"2mb"`. Also sets the route's body limit, so bigger
   * bodies are refused unread.
   */
  maxSize?: Size;
  /** Most files `upload.multiple` accepts in the field (default 10). */
  maxFiles?: number;
  /** Whether a request without a file in the field is refused with 400 (default `true`). */
  required?: boolean;
  /**
   * Whether files claiming to be JPEG, PNG, GIF, WebP or PDF (by type or extension) must start
   * with that format's signature bytes (default `true`).
   */
  verifyContent?: boolean;
}

/** Options of `new Upload({...})`, as in the seed. */
export interface UploadOptions {
  /** The form field holding the file(s) (default `"file"`). */
  fieldName?: string;
  /** Put before every saved name: `profile` gives `profile-<name>.jpg`. */
  prefix?: string;
  /**
   * The saved name without extension: a string (kept, with a random suffix when already
   * taken) or a function called per file. Default: a random UUID. The client's name is never
   * used unless you return it here, and then only sanitised.
   */
  fileName?: string | FileNamer;
  /** Directory to save into, created when missing (default `"uploads"`, relative to the working directory). */
  path?: string;
  /** Rules for each file. */
  options?: UploadRules;
  /**
   * Largest request body for routes using this upload: bytes, or a size such as `"25mb"`.
   * Default: `maxSize` times the number of files plus 64 KiB for the other form fields; the
   * app's limit when `maxSize` is unset.
   */
  bodyLimit?: Size;
}
