import { HttpError } from "../errors";
import { DEFAULT_JSON_DEPTH, parseJsonBody } from "./json";
import type { BodyKind, UploadedFile } from "./types";
import { FieldCollector, type FieldLimits, parseUrlEncoded } from "./urlencoded";

/** The media type of an HTML form body. */
export const FORM = "application/x-www-form-urlencoded";

/** Limits applied while parsing a body: the form field limits, and how deep JSON may nest. */
export interface BodyLimits extends FieldLimits {
  /** Deepest nesting of arrays and objects in a JSON body (default 64); deeper is a 400 (`BODY_TOO_DEEP`). */
  jsonDepth?: number;
}

/** The media type of a `Content-Type` header, lower-cased, without parameters. */
export function mediaType(contentType: string | null): string {
  if (!contentType) return "";
  if (contentType === "application/json") return contentType;
  const semi = contentType.indexOf(";");
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Which parser handles a media type, or `undefined` when the body is left unread. */
export function bodyKind(type: string): BodyKind | undefined {
  if (type === "application/json" || (type.startsWith("application/") && type.endsWith("+json")))
    return "json";
  if (type === FORM) return "form";
  if (type === "multipart/form-data") return "multipart";
  if (type.startsWith("text/")) return "text";
  return undefined;
}

/** The 413 for a body over `limit` bytes. */
export function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body is larger than the limit of ${limit} bytes`, {
    code: "PAYLOAD_TOO_LARGE",
    details: { limit },
  });
}

/** True when the request carries a body at all (by its headers; the stream is not touched). */
export function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length !== null) return length !== "0";
  return request.headers.has("transfer-encoding") || request.body !== null;
}

/** Refuses from `Content-Length` alone, before a byte is read. */
export function checkDeclaredLength(request: Request, limit: number): void {
  const length = request.headers.get("content-length");
  if (length !== null && Number(length) > limit) throw tooLarge(limit);
}

/** Reads the whole body, stopping with a 413 as soon as more than `limit` bytes arrive. */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  checkDeclaredLength(request, limit);
  // With a declared length (checked above) Bun reads exactly that many bytes: one native call
  // instead of a reader loop. Without one, count while streaming and stop at the limit.
  if (request.headers.has("content-length")) return (await request.bytes()) as Uint8Array<ArrayBuffer>;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]! as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The 400 for a body that is not valid UTF-8. */
function notUtf8(): HttpError {
  return new HttpError(400, "Request body is not valid UTF-8", { code: "INVALID_BODY" });
}

function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw notUtf8();
  }
}

/** A parsed request body. */
export interface ParsedBody {
  kind: BodyKind;
  /** JSON value, nested form fields, or text. */
  body: unknown;
  /** Files of a multipart body. */
  files: UploadedFile[];
  /** Bytes read. */
  size: number;
  /** The raw text (JSON, form, text bodies), kept so `req.text()` works after parsing. */
  text?: string;
  /** The parsed form data of a multipart body. */
  formData?: FormData;
}

function asUploadedFile(field: string, file: File): UploadedFile {
  return Object.defineProperties(file, {
    fieldname: { value: field, enumerable: true },
    originalname: { value: file.name, enumerable: true },
    mimetype: { value: mediaType(file.type), enumerable: true },
  }) as UploadedFile;
}

/** Splits multipart form data into nested fields and files. */
export function collectFormData(
  form: FormData,
  limits?: FieldLimits,
): { body: Record<string, unknown>; files: UploadedFile[] } {
  const fields = new FieldCollector(limits);
  const files: UploadedFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") fields.add(name, value);
    else files.push(asUploadedFile(name, value));
  }
  return { body: fields.result, files };
}

/**
 * Reads and parses a body of a known kind. Malformed JSON or encoding is a 400, JSON nested
 * deeper than `limits.jsonDepth` a 400, a body over `limit` a 413; what was stored elsewhere is
 * untouched because nothing runs before this fails.
 */
export async function parseBody(
  request: Request,
  kind: BodyKind,
  limit: number,
  fieldLimits?: BodyLimits,
): Promise<ParsedBody> {
  if (kind === "multipart") {
    checkDeclaredLength(request, limit);
    let form: FormData;
    try {
      if (request.headers.has("content-length")) {
        form = await request.formData();
      } else {
        const bytes = await readLimited(request, limit);
        form = await new Response(bytes, {
          headers: { "content-type": request.headers.get("content-type")! },
        }).formData();
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, "Malformed multipart body", { code: "INVALID_BODY", cause: error });
    }
    const { body, files } = collectFormData(form, fieldLimits);
    const size = Number(request.headers.get("content-length") ?? files.reduce((n, f) => n + f.size, 0));
    return { kind, body, files, formData: form, size };
  }
  return decodeBody(kind, await readLimited(request, limit), fieldLimits);
}

/**
 * Decodes the bytes of a JSON, urlencoded or text body (strict UTF-8). Synchronous, so a caller
 * that already holds the bytes pays for one `await` only.
 */
export function decodeBody(
  kind: Exclude<BodyKind, "multipart">,
  bytes: Uint8Array,
  fieldLimits?: BodyLimits,
): ParsedBody {
  return parseText(kind, decodeText(bytes), bytes.byteLength, fieldLimits);
}

/**
 * Parses a JSON, urlencoded or text body that Bun decoded itself (`request.text()`, one native
 * step: cheaper than the bytes and a strict decoder), given the byte length Bun read. Bun's
 * decoder replaces invalid UTF-8 with U+FFFD, so text without one was valid. With one, the
 * bytes were invalid when the text's UTF-8 length differs from what was read: each invalid
 * sequence of 1 or 2 bytes grows into 3. The one sequence that keeps its length, a 4-byte
 * character cut after its third byte, reads as the U+FFFD a client may have sent on purpose
 * and is let through as that character (what `TextDecoder` and browsers do).
 */
export function parseDecoded(
  kind: Exclude<BodyKind, "multipart">,
  text: string,
  size: number,
  fieldLimits?: BodyLimits,
): ParsedBody {
  if (text.includes("\uFFFD") && Buffer.byteLength(text, "utf8") !== size) throw notUtf8();
  return parseText(kind, text, size, fieldLimits);
}

function parseText(
  kind: Exclude<BodyKind, "multipart">,
  text: string,
  size: number,
  fieldLimits: BodyLimits | undefined,
): ParsedBody {
  if (kind === "json") {
    const body = parseJsonBody(text, fieldLimits?.jsonDepth ?? DEFAULT_JSON_DEPTH);
    return { kind, body, files: [], text, size };
  }
  if (kind === "form") return { kind, body: parseUrlEncoded(text, fieldLimits), files: [], text, size };
  return { kind, body: text, files: [], text, size };
}
