import { createHash, timingSafeEqual } from "node:crypto";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * Compares two strings in constant time (for tokens, passwords, signatures): both are hashed
 * first, so neither the content nor the length of the secret leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  if (typeof given !== "string" || typeof expected !== "string") return false;
  return timingSafeEqual(digest(given), digest(expected));
}
