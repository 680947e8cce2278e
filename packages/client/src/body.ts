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

/** The body to send and its content type (JSON unless the value is a raw body). */
export function encodeBody(body: unknown): { body: BodyInit | undefined; contentType?: string } {
  if (body === undefined) return { body: undefined };
  if (isRawBody(body)) return { body };
  return { body: JSON.stringify(body), contentType: "application/json" };
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
