import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { packageNameProblems } from "./name";

/** The scaffolder's own folder (`dist/` and `src/` are both one level below it). */
const PACKAGE_ROOT = path.join(import.meta.dir, "..");

/** The app template shipped with the package. */
export const TEMPLATE_DIR = path.join(PACKAGE_ROOT, "template");

/**
 * Template files stored under another name: npm and `bun pm pack` treat a `.gitignore` in a
 * package as ignore rules and do not ship it, so it travels as `_gitignore`.
 */
const RENAMED: Record<string, string> = { _gitignore: ".gitignore" };

/** Entries of an existing target folder that do not make it "not empty". */
const IGNORED_IN_TARGET = new Set([".git"]);

/** The scaffolder's version: every generated `@harpia/*` dependency gets `^` it. */
export function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"));
  return manifest.version;
}

/** A scaffold that cannot be written; the message says why and what to do. */
export class ScaffoldError extends Error {
  override name = "ScaffoldError";
}

/** What {@link scaffold} writes. */
export interface ScaffoldOptions {
  /** The folder of the new app: created, or existing and empty (a `.git` alone is allowed). */
  target: string;
  /** The app's package name; the target folder's name by default. */
  name?: string;
  /** The `@harpia/*` version the app depends on (`^version`); the scaffolder's own by default. */
  version?: string;
}

/**
 * Checks the target and the name, then copies the template into the target: `package.json`
 * gets the app's name and `^<version>` for every `@harpia/*` dependency, `README.md` the app's
 * name. Returns the paths written, relative to the target. Throws a {@link ScaffoldError}
 * (before writing anything) when the folder is not empty or is a file, or the name is not a
 * valid npm package name.
 */
export function scaffold(options: ScaffoldOptions): string[] {
  const target = path.resolve(options.target);
  const name = options.name ?? path.basename(target);
  const version = options.version ?? ownVersion();
  const problems = packageNameProblems(name);
  if (problems.length > 0)
    throw new ScaffoldError(
      `"${name}" cannot be the app's package name: ${problems.join("; ")}.\n` +
        "The folder's name is the package name: pick a lowercase one such as my-app.",
    );
  checkTarget(target);

  const written: string[] = [];
  mkdirSync(target, { recursive: true });
  for (const relative of templateFiles()) {
    const source = path.join(TEMPLATE_DIR, relative);
    const parts = relative.split(path.sep);
    const last = parts.length - 1;
    parts[last] = RENAMED[parts[last]!] ?? parts[last]!;
    const destination = parts.join("/");
    let content: string | Buffer = readFileSync(source);
    if (destination === "package.json") content = appManifest(content.toString("utf8"), name, version);
    else if (destination === "README.md") content = content.toString("utf8").replaceAll("harpia-app", name);
    mkdirSync(path.dirname(path.join(target, destination)), { recursive: true });
    writeFileSync(path.join(target, destination), content);
    written.push(destination);
  }
  return written;
}

/** Throws unless `target` is missing, or an empty folder (but for a `.git`). */
function checkTarget(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory())
    throw new ScaffoldError(`${target} exists and is not a folder: pick another name.`);
  const entries = readdirSync(target).filter((entry) => !IGNORED_IN_TARGET.has(entry));
  if (entries.length > 0) {
    const shown =
      entries.slice(0, 5).join(", ") + (entries.length > 5 ? `, and ${entries.length - 5} more` : "");
    throw new ScaffoldError(
      `${target} is not empty (${shown}): nothing was written. Pick a new folder, or empty this one.`,
    );
  }
}

/** Every file of the template, relative to it, sorted. */
function templateFiles(): string[] {
  return readdirSync(TEMPLATE_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(TEMPLATE_DIR, path.join(entry.parentPath, entry.name)))
    .filter((relative) => !relative.split(path.sep).includes("node_modules"))
    .sort();
}

/** The template's package.json with the app's name and `^version` on every `@harpia/*` package. */
function appManifest(text: string, name: string, version: string): string {
  const manifest = JSON.parse(text);
  manifest.name = name;
  for (const field of ["dependencies", "devDependencies"]) {
    const dependencies: Record<string, string> = manifest[field] ?? {};
    for (const dependency of Object.keys(dependencies))
      if (dependency.startsWith("@harpia/")) dependencies[dependency] = `^${version}`;
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
