/**
 * The response format a client prefers among `json`, `html` and `text`, from its `Accept`
 * header (quality values honoured; ties go to the order given in `offered`).
 */
export function preferredFormat<F extends "json" | "html" | "text">(
  accept: string | null,
  offered: readonly F[],
): F {
  if (!accept) return offered[0]!;
  // No prototype: the client's media type is looked up here (`Accept: constructor`).
  const mime: Record<string, F | undefined> = Object.create(null);
  for (const f of offered) {
    mime[f === "json" ? "application/json" : f === "html" ? "text/html" : "text/plain"] = f;
  }
  let best: F | undefined;
  let bestQ = 0;
  let wildcardQ = -1;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.find((p) => p.trim().startsWith("q="));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if (Number.isNaN(q) || q <= 0) continue;
    const name = type.trim();
    if (name === "*/*" || name === "text/*" || name === "application/*") {
      wildcardQ = Math.max(wildcardQ, q);
      continue;
    }
    const format = mime[name] ?? (name.endsWith("+json") ? mime["application/json"] : undefined);
    if (format !== undefined && q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  if (best !== undefined && bestQ >= wildcardQ) return best;
  return offered[0]!;
}
