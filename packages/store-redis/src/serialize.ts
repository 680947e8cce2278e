import { encodeStoreValue } from "@harpia/core/utils";

/** Values are stored as JSON, encoded by core so that every store refuses the same values. */
export const encodeValue = encodeStoreValue;

/** Parses a stored value; text that is not JSON (written by other tools) comes back as is. */
export function decodeValue<T>(text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}
