import { HttpError } from "../errors";

/** Deepest nesting of arrays and objects accepted in a JSON body unless configured (`jsonDepth`). */
export const DEFAULT_JSON_DEPTH = 64;

const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/** `count` plus the occurrences of `char` in `text`, counted natively; stops once over `limit`. */
function countUpTo(text: string, char: string, count: number, limit: number): number {
  for (let i = text.indexOf(char); i !== -1 && count <= limit; i = text.indexOf(char, i + 1)) count++;
  return count;
}

/**
 * Whether JSON text nests arrays and objects more than `limit` deep, found without parsing:
 * brackets are counted, strings skipped. Most bodies are too short to nest that deep, or have
 * fewer brackets than the limit in all, which two native `indexOf` scans show; only the others
 * are walked. Malformed text is left for `JSON.parse` to report.
 */
export function jsonTooDeep(text: string, limit: number): boolean {
  // Nesting `limit + 1` deep takes as many brackets opened and closed: shorter text is either
  // within the limit or malformed (JSON.parse refuses it without going deep).
  if (text.length <= 2 * limit + 1) return false;
  if (countUpTo(text, "{", countUpTo(text, "[", 0, limit), limit) <= limit) return false;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: find its closing quote, one not escaped by an odd run of backslashes.
      for (let from = i + 1; ; ) {
        const close = text.indexOf('"', from);
        if (close === -1) return false;
        let slash = close - 1;
        while (slash >= from && text.charCodeAt(slash) === BACKSLASH) slash--;
        if ((close - 1 - slash) % 2 === 0) {
          i = close;
          break;
        }
        from = close + 1;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The 400 for a JSON body nested deeper than `limit`. */
export function tooDeep(limit: number): HttpError {
  return new HttpError(400, `JSON body is nested deeper than the limit of ${limit} levels`, {
    code: "BODY_TOO_DEEP",
    details: { limit },
  });
}

/**
 * Parses a JSON body from the client: blank text is `undefined`, nesting deeper than `depth` a
 * 400 (`BODY_TOO_DEEP`, refused before parsing), malformed JSON a 400 (`INVALID_JSON`).
 */
export function parseJsonBody(text: string, depth: number): unknown {
  if (jsonTooDeep(text, depth)) throw tooDeep(depth);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trim() === "") return undefined;
    throw new HttpError(400, `Malformed JSON body: ${(error as Error).message}`, { code: "INVALID_JSON" });
  }
}
