/** A file from a multipart body: a standard `File` plus the field it came from. */
export interface UploadedFile extends File {
  /** The form field's name. */
  readonly fieldname: string;
  /** The file name the client sent (untrusted: never use it as a path). */
  readonly originalname: string;
  /**
   * The part's media type without parameters, lower-cased. Untrusted, and under Bun 1.4 derived
   * from the file name's extension rather than the part's `Content-Type` (oven-sh/bun#39884):
   * check the bytes when the type matters (as `Upload` does).
   */
  readonly mimetype: string;
}

/** Body kinds a route may demand with `accepts`; anything else is a 415. */
export type BodyKind = "json" | "form" | "multipart" | "text";
