/**
 * A start-up error of the file router. It names the file (relative to the working directory)
 * and, when one is at fault, the `routes`/`middleware` key, so a typo is found without a debugger.
 */
export class FileRouteError extends Error {
  /** The file at fault, as shown in the message. */
  readonly file: string | undefined;
  /** The `routes` or `middleware` key at fault, when there is one. */
  readonly key: string | undefined;

  constructor(message: string, where: { file?: string; key?: string; cause?: unknown } = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = "FileRouteError";
    this.file = where.file;
    this.key = where.key;
  }
}
