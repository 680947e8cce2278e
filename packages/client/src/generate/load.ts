/**
 * Reads the generator's input: an OpenAPI document as a JSON or YAML file, a URL serving one,
 * or a module exporting a document or an app that serves one (asked in process through
 * `app.fetch`, at `/openapi.json` unless told otherwise).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Options of {@link loadDocument}. */
export interface LoadOptions {
  /** Where an app serves its document (default `/openapi.json`). */
  documentPath?: string;
  /** Folder a relative input is read from (default `process.cwd()`). */
  cwd?: string;
}

const MODULE = /\.(?:[cm]?[jt]sx?)$/i;
const EXPORTS = ["document", "openapi", "app", "default"] as const;

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

function parseText(text: string, source: string): unknown {
  const trimmed = text.trimStart();
  try {
    return trimmed.startsWith("{") ? JSON.parse(text) : Bun.YAML.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON or YAML: ${(error as Error).message}`);
  }
}

async function readResponse(response: Response, source: string): Promise<unknown> {
  if (!response.ok) throw new Error(`${source} answered ${response.status}`);
  return parseText(await response.text(), source);
}

const isDocument = (value: unknown): boolean =>
  !!value && typeof value === "object" && typeof (value as { openapi?: unknown }).openapi === "string";

const isFetcher = (value: unknown): value is Fetcher =>
  !!value && typeof value === "object" && typeof (value as Fetcher).fetch === "function";

/** Turns a module's export into a document: a document, an app, `{ app }`, or a function returning one. */
async function fromExport(value: unknown, source: string, documentPath: string): Promise<unknown> {
  if (typeof value === "function") value = await (value as () => unknown)();
  if (isDocument(value)) return value;
  const holder = value as { app?: unknown; close?: () => unknown } | undefined;
  const app = isFetcher(value) ? value : isFetcher(holder?.app) ? holder.app : undefined;
  if (!app)
    throw new Error(
      `${source} exports neither an OpenAPI document nor an app with fetch() (looked at: ${EXPORTS.join(", ")})`,
    );
  try {
    const response = await app.fetch(
      new Request(new URL(documentPath, "http://localhost"), { headers: { accept: "application/json" } }),
    );
    return await readResponse(response, `${source}: GET ${documentPath}`);
  } finally {
    // An app (or a `{ app, close }` holder) made for the occasion is closed again.
    if (typeof holder?.close === "function") await holder.close();
  }
}

/** The OpenAPI document named by `input` (a path, a URL, or a module). */
export async function loadDocument(input: string, options: LoadOptions = {}): Promise<unknown> {
  const documentPath = options.documentPath ?? "/openapi.json";
  if (/^https?:\/\//i.test(input)) {
    const response = await fetch(input, { headers: { accept: "application/json, application/yaml;q=0.9" } });
    return readResponse(response, input);
  }
  const file = path.resolve(options.cwd ?? process.cwd(), input);
  if (!(await Bun.file(file).exists())) throw new Error(`${input}: no such file`);
  if (!MODULE.test(file)) return parseText(await Bun.file(file).text(), input);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const name = EXPORTS.find((key) => module[key] !== undefined);
  if (!name) throw new Error(`${input} has none of the exports ${EXPORTS.join(", ")}`);
  return fromExport(module[name], input, documentPath);
}
