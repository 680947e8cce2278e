/**
 * File signatures ("magic bytes") of the formats uploads most often claim, so a file that says
 * it is a JPEG but is really HTML or a script is refused. Only formats with a fixed, cheap
 * signature are checked; others are trusted by their declared type.
 */

interface Signature {
  type: string;
  /** Other names clients declare for the same format. */
  aliases?: string[];
  extensions: string[];
  matches(head: Uint8Array): boolean;
}

function startsWith(head: Uint8Array, bytes: number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[offset + i] !== bytes[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

const SIGNATURES: Signature[] = [
  {
    type: "image/jpeg",
    aliases: ["image/jpg", "image/pjpeg"],
    extensions: [".jpg", ".jpeg", ".jpe", ".jfif"],
    matches: (head) => startsWith(head, [0xff, 0xd8, 0xff]),
  },
  {
    type: "image/png",
    extensions: [".png"],
    matches: (head) => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  {
    type: "image/gif",
    extensions: [".gif"],
    matches: (head) => startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a")),
  },
  {
    type: "image/webp",
    extensions: [".webp"],
    matches: (head) => startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8),
  },
  {
    type: "application/pdf",
    extensions: [".pdf"],
    matches: (head) => startsWith(head, ascii("%PDF-")),
  },
];

/** Bytes needed from the start of a file to check every known signature. */
export const SIGNATURE_BYTES = 12;

/** MIME types whose content is verified. */
export const VERIFIED_TYPES: readonly string[] = SIGNATURES.map((s) => s.type);

/** The known type a file's first bytes prove, or `undefined`. */
export function sniffType(head: Uint8Array): string | undefined {
  return SIGNATURES.find((s) => s.matches(head))?.type;
}

/**
 * The verified types a file claims: by its declared MIME type and by its extension (`.jpg`
 * claims `image/jpeg`). Each claim must be backed by the content.
 */
export function claimedTypes(declaredType: string, extension: string): string[] {
  const claims = new Set<string>();
  for (const signature of SIGNATURES) {
    const declared = signature.type === declaredType || signature.aliases?.includes(declaredType) === true;
    if (declared || signature.extensions.includes(extension)) claims.add(signature.type);
  }
  return [...claims];
}
