/**
 * File names from clients (and from application code) made safe to use inside one directory:
 * no separators, no `..`, no control characters, no hidden files, bounded length.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Anything but letters, digits, dot, dash and underscore, in any script. */
const UNSAFE = /[^\p{L}\p{N}._-]+/gu;
const MAX_NAME = 100;

/**
 * A name safe as a single path segment: separators and other unsafe characters become `_`,
 * control characters are dropped, dot runs collapse (so `..` cannot survive), and leading or
 * trailing dots, dashes and underscores are trimmed. May return `""`.
 *
 * @example
 * sanitizeFileName("../../etc/passwd") // "etc_passwd"
 */
export function sanitizeFileName(input: string, maxLength = MAX_NAME): string {
  const cleaned = input
    .normalize("NFC")
    .replace(CONTROL, "")
    .replace(UNSAFE, "_")
    .replace(/\.{2,}/g, ".")
    .replace(/_{2,}/g, "_")
    .replace(/^[._-]+/, "")
    .replace(/[._-]+$/, "");
  const chars = Array.from(cleaned); // by code point, so a character is never cut in half
  return chars.length > maxLength
    ? chars
        .slice(0, maxLength)
        .join("")
        .replace(/[._-]+$/, "")
    : cleaned;
}

/**
 * The lower-cased extension of a client's file name (`"Photo.JPG"` → `".jpg"`), only when it
 * is 1–16 ASCII letters or digits; otherwise `""`.
 */
export function fileExtension(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  const match = /\.([A-Za-z0-9]{1,16})$/.exec(last);
  return match ? `.${match[1]!.toLowerCase()}` : "";
}

/** A client name fit for an error message: no control characters, at most 100 characters. */
export function displayName(name: string): string {
  const chars = Array.from(name.replace(CONTROL, ""));
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME).join("")}…` : chars.join("");
}
