import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type GenerateOptions, generateRoutes } from "./emit";
import { type LoadOptions, loadDocument } from "./load";

/** What {@link writeRoutes} did. */
export interface WriteResult {
  /** The output file, absolute. */
  file: string;
  /** `"written"`, `"unchanged"`, or with `check`: `"fresh"` / `"stale"` (nothing written). */
  state: "written" | "unchanged" | "fresh" | "stale";
  /** The generated source. */
  source: string;
}

/**
 * Loads the document `input` names, generates the routes and writes them to `out` (only when
 * they changed), or with `check: true` only compares them with what `out` holds.
 */
export async function writeRoutes(
  input: string,
  out: string,
  options: GenerateOptions & LoadOptions & { check?: boolean } = {},
): Promise<WriteResult> {
  const document = await loadDocument(input, options);
  const source = generateRoutes(document, options);
  const file = path.resolve(options.cwd ?? process.cwd(), out);
  const target = Bun.file(file);
  const current = (await target.exists()) ? await target.text() : undefined;
  if (options.check) return { file, state: current === source ? "fresh" : "stale", source };
  if (current === source) return { file, state: "unchanged", source };
  await mkdir(path.dirname(file), { recursive: true });
  await Bun.write(file, source);
  return { file, state: "written", source };
}
