/** A file from a multipart body: a standard `File` plus the field it came from. */
export interface UploadedFile extends File {
  /** The form field's name. */
  readonly fieldname: string;
  /** The file name the client sent (untrusted: never use it as a path). */
  readonly originalname: string;
  /** The declared media type without parameters, lower-cased (untrusted). */
  readonly mimetype: string;
}

/** Body kinds a route may demand with `accepts`; anything else is a 415. */
export type BodyKind = "json" | "form" | "multipart" | "text";
