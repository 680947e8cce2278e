/** Encoding request bodies and reading answers. */

/** Bodies `fetch` sends as they are (with their own content type). */
function isRawBody(body: unknown): body is BodyInit {
  return (
    body instanceof FormData ||
    body instanceof Blob ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof ReadableStream
  );
}

/** A body kind a route accepts, as core names it (`accepts` in its route table). */
export type BodyKind = "json" | "form" | "multipart" | "text";

const isBlob = (value: unknown): value is Blob => value instanceof Blob;

/** Objects and arrays are walked into; anything else is a leaf. */
const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] =>
  value !== null && typeof value === "object" && !isBlob(value) && !(value instanceof Date);

/** A leaf's field value: strings as they are, numbers and booleans stringified, dates as ISO strings. */
function fieldValue(value: unknown, key: string): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "symbol" || typeof value === "function")
    throw new TypeError(`The form field "${key}" holds a ${typeof value}, which a form cannot carry`);
  return String(value);
}

/**
 * Calls `emit` for every field of `value` with the key core's form parsers read back into the
 * same nesting (packages/core/src/body/urlencoded.ts): `user[name]`, `tags[]` for an array of
 * values, `items[0][name]` for an array holding objects or arrays; an array of files repeats its
 * key (`photos`, as upload middleware reads it). `undefined` and `null` are left out.
 */
function walkFields(
  value: unknown,
  key: string,
  emit: (key: string, value: string | Blob) => void,
  seen: Set<object>,
): void {
  if (value === undefined || value === null) return;
  if (isBlob(value)) {
    emit(key, value);
    return;
  }
  if (!isContainer(value)) {
    emit(key, fieldValue(value, key));
    return;
  }
  if (seen.has(value)) throw new TypeError(`The body holds a cycle at "${key}"`);
  seen.add(value);
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isBlob)) for (const item of value) emit(key, item);
    else if (value.some(isContainer))
      for (const [index, item] of value.entries()) walkFields(item, `${key}[${index}]`, emit, seen);
    else for (const item of value) walkFields(item, `${key}[]`, emit, seen);
  } else {
    for (const [name, item] of Object.entries(value)) walkFields(item, `${key}[${name}]`, emit, seen);
  }
  seen.delete(value);
}

/** Calls `walkFields` for each top-level member of an object body. */
function eachField(body: Record<string, unknown>, emit: (key: string, value: string | Blob) => void): void {
  const seen = new Set<object>([body]);
  for (const [name, value] of Object.entries(body)) walkFields(value, name, emit, seen);
}

/** Whether a value holds a `Blob`/`File` anywhere. */
function holdsBlob(value: unknown, seen = new Set<object>()): boolean {
  if (isBlob(value)) return true;
  if (!isContainer(value) || seen.has(value)) return false;
  seen.add(value);
  return Object.values(value).some((item) => holdsBlob(item, seen));
}

/**
 * An object as `application/x-www-form-urlencoded` fields, nested the way core's parser reads
 * them back: `{ user: { name: "Ada" }, tags: ["a", "b"] }` → `user[name]=Ada&tags[]=a&tags[]=b`.
 */
export function toSearchParams(body: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  eachField(body, (key, value) => {
    if (isBlob(value))
      throw new TypeError(`The form field "${key}" holds a file: files need a multipart/form-data route`);
    params.append(key, value);
  });
  return params;
}

/** An object as `multipart/form-data`: files appended as files, other values as fields (same keys as forms). */
export function toFormData(body: Record<string, unknown>): FormData {
  const form = new FormData();
  eachField(body, (key, value) => form.append(key, value));
  return form;
}

/**
 * The kind a body is sent as on a route accepting `kinds` (undefined: any, JSON by default).
 * JSON whenever the route takes it; else a string as text when it can, an object as multipart
 * when it holds a file (or the route takes no form), as a form otherwise; else text.
 */
export function bodyKindFor(body: unknown, kinds: readonly BodyKind[] | undefined): BodyKind {
  if (kinds === undefined || kinds.length === 0 || kinds.includes("json")) return "json";
  const object = isContainer(body) && !Array.isArray(body);
  if (typeof body === "string" && kinds.includes("text")) return "text";
  if (object && kinds.includes("multipart") && (!kinds.includes("form") || holdsBlob(body)))
    return "multipart";
  if (object && kinds.includes("form")) return "form";
  if (kinds.includes("text")) return "text";
  const what = Array.isArray(body) ? "an array" : typeof body;
  throw new TypeError(`The route takes ${kinds.join(" or ")} bodies, which ${what} cannot be sent as`);
}

/**
 * The body to send and its content type. Raw bodies (`FormData`, `Blob`, `URLSearchParams`,
 * buffers, streams) go as they are; any other value goes as JSON, unless the route's `kinds`
 * leave JSON out: then as form fields, multipart form data or text (see {@link bodyKindFor}).
 */
export function encodeBody(
  body: unknown,
  kinds?: readonly BodyKind[],
): { body: BodyInit | undefined; contentType?: string } {
  if (body === undefined) return { body: undefined };
  if (isRawBody(body)) return { body };
  switch (bodyKindFor(body, kinds)) {
    case "form":
      return { body: toSearchParams(body as Record<string, unknown>) };
    case "multipart":
      return { body: toFormData(body as Record<string, unknown>) };
    case "text":
      return {
        body: typeof body === "string" ? body : isContainer(body) ? JSON.stringify(body) : String(body),
        contentType: "text/plain;charset=utf-8",
      };
    default:
      return { body: JSON.stringify(body), contentType: "application/json" };
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const TEXT_TYPE =
  /^(?:text\/|application\/(?:xml|x-www-form-urlencoded|javascript)\b|[\w.-]+\/[\w.-]+\+xml\b)/i;

/**
 * The parsed body of an answer: JSON (`application/json`, `application/problem+json`, any
 * `+json`), a string for text types, a `Blob` for anything else, `undefined` when empty.
 * A JSON body that does not parse is a `SyntaxError` naming the status.
 */
export async function readBody(response: Response, method: string): Promise<unknown> {
  if (method === "HEAD" || response.status === 204 || response.status === 205 || response.status === 304)
    return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (JSON_TYPE.test(type)) {
    const text = await response.text();
    if (text === "") return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SyntaxError(
        `${method} ${response.url || ""} answered ${response.status} with invalid JSON (${type}): ${(error as Error).message}`,
      );
    }
  }
  if (type === "" || TEXT_TYPE.test(type)) {
    const text = await response.text();
    return text === "" && type === "" ? undefined : text;
  }
  return response.blob();
}
