/** A file an {@link Upload} middleware saved, as described on `req.uploads`. */
export interface SavedFile {
  /** The form field it came in. */
  readonly field: string;
  /** The name it was saved under (sanitised, unique in the directory). */
  readonly name: string;
  /** Absolute path of the saved file. */
  readonly path: string;
  /** The name the client sent: untrusted, for display only, never for paths. */
  readonly originalName: string;
  /** Size in bytes. */
  readonly size: number;
  /** MIME type: the one its content proves for JPEG, PNG, GIF, WebP and PDF, else the declared one. */
  readonly type: string;
}
