/** Route parameters: decoded once per request, onto an object without prototype. */
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";

/** Params as an object without prototype: `:__proto__` is an ordinary name, `"constructor" in params` false. */
function decodeParams(names: readonly string[], values: string[]): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < names.length; i++) {
    const raw = values[i]!;
    params[names[i]!] = raw.includes("%") ? decodeURIComponent(raw) : raw;
  }
  return params;
}

/** Decodes a match's params onto `req`; false when an escape is malformed. */
export function applyParams(req: HarpiaRequest<any>, names: readonly string[], values: string[]): boolean {
  if (values.length === 0) return true;
  try {
    req.params = decodeParams(names, values);
    return true;
  } catch {
    return false;
  }
}

/** A 400 for a path whose percent-encoding does not decode. */
export const malformedPath = () =>
  new HttpError(400, "Malformed percent-encoding in URL path", { code: "MALFORMED_URI" });
