/**
 * Content types of files served from disk. Bun's own table (`Bun.file(path).type`) knows the
 * common extensions; this module adds a few it lacks and makes sure every textual type says
 * its charset, so browsers never have to guess.
 */

/** Extensions Bun leaves as `application/octet-stream` or types differently than browsers expect. */
const OVERRIDES: Record<string, string> = {
  md: "text/markdown",
  markdown: "text/markdown",
  mjs: "text/javascript",
  cjs: "text/javascript",
  map: "application/json",
  webmanifest: "application/manifest+json",
  ics: "text/calendar",
  vtt: "text/vtt",
  yaml: "text/yaml",
  yml: "text/yaml",
  toml: "application/toml",
  wasm: "application/wasm",
};

const TEXTUAL =
  /^(?:text\/|application\/(?:javascript|json|xml|toml|[\w.-]+\+(?:json|xml))\b|image\/svg\+xml)/i;

/** The most extensions remembered; a directory rarely has more kinds of files than this. */
const MAX_REMEMBERED = 256;
const remembered = new Map<string, string>();

/** Adds `;charset=utf-8` to a textual type that does not name a charset. */
export function withCharset(type: string): string {
  if (!TEXTUAL.test(type) || /;\s*charset=/i.test(type)) return type;
  return `${type};charset=utf-8`;
}

function extensionOf(filePath: string): string {
  const slash = Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\"));
  const dot = filePath.lastIndexOf(".");
  return dot > slash + 1 ? filePath.slice(dot + 1).toLowerCase() : "";
}

/**
 * The `Content-Type` for a file path, from its extension; textual types carry
 * `charset=utf-8`; unknown extensions are `application/octet-stream`.
 *
 * @example
 * contentTypeFor("public/app.css"); // "text/css;charset=utf-8"
 */
export function contentTypeFor(filePath: string): string {
  const ext = extensionOf(filePath);
  const known = remembered.get(ext);
  if (known !== undefined) return known;
  const base = OVERRIDES[ext] ?? (ext === "" ? "application/octet-stream" : Bun.file(`x.${ext}`).type);
  const type = withCharset(base || "application/octet-stream");
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  remembered.set(ext, type);
  return type;
}
