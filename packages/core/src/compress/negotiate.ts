/** A content coding Harpia can produce. */
export type Encoding = "zstd" | "br" | "gzip";

/** Every coding Harpia can produce, in the default order of preference. */
export const ENCODINGS: readonly Encoding[] = ["zstd", "br", "gzip"];

/**
 * Picks the coding for an `Accept-Encoding` header (RFC 9110 §12.5.3): the highest quality
 * wins, ties go to the server's order (`offered`), `*` stands for codings not named, `q=0`
 * refuses one. `undefined` means send the body as is (identity).
 */
export function negotiateEncoding(header: string | null, offered: readonly Encoding[]): Encoding | undefined {
  return acceptableEncodings(header, offered)[0];
}

/**
 * Every offered coding the client accepts, best first (quality, then the order of `offered`);
 * empty when only identity is acceptable.
 */
export function acceptableEncodings(header: string | null, offered: readonly Encoding[]): Encoding[] {
  if (header === null || header === "") return [];
  const quality = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";");
    let coding = name.trim().toLowerCase();
    if (coding === "") continue;
    if (coding === "x-gzip") coding = "gzip";
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key?.trim().toLowerCase() === "q") {
        q = Number(value?.trim());
        if (!Number.isFinite(q) || q < 0) q = 0;
      }
    }
    quality.set(coding, Math.max(q, quality.get(coding) ?? 0));
  }
  const wildcard = quality.get("*");
  const ranked: { encoding: Encoding; q: number; order: number }[] = [];
  offered.forEach((encoding, order) => {
    const q = quality.get(encoding) ?? wildcard ?? 0;
    if (q > 0) ranked.push({ encoding, q, order });
  });
  ranked.sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.map((r) => r.encoding);
}

/** Few distinct `Accept-Encoding` values exist in practice; remember that many answers. */
const MAX_REMEMBERED = 128;

/** {@link negotiateEncoding} with a small bounded memo, built per `compress()` instance. */
export function createNegotiator(
  offered: readonly Encoding[],
): (header: string | null) => Encoding | undefined {
  const remembered = new Map<string, Encoding | undefined>();
  return (header) => {
    if (header === null || header === "") return undefined;
    if (remembered.has(header)) return remembered.get(header);
    const chosen = negotiateEncoding(header, offered);
    if (header.length <= 256) {
      if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
      remembered.set(header, chosen);
    }
    return chosen;
  };
}
