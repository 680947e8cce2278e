import { stat } from "node:fs/promises";
import path from "node:path";
import { TemplateError } from "./errors";

/** The directories and naming rules templates are found by. */
export interface TemplatePaths {
  views: string;
  layouts: string | undefined;
  components: string | undefined;
  extension: string;
  viewName: string | undefined;
  useModules: boolean;
}

const MODULE_NAME = /^[\w.-]+$/;

/** Adds `extension` unless `name` already ends with it. */
export function withExtension(name: string, extension: string): string {
  return extension !== "" && name.endsWith(extension) ? name : `${name}${extension}`;
}

/** Normalises `.html`/`html` to `.html`; an empty string means "no extension". */
export function normalizeExtension(extension: string | undefined): string {
  if (extension === undefined) return ".html";
  if (extension === "") return "";
  return extension.startsWith(".") ? extension : `.${extension}`;
}

/**
 * The files `res.render(view)` may mean, in order. With `viewName`, a view is a folder holding
 * `<viewName><ext>` (`home/page.html`); a plain `home.html` is the fallback. With `useModules`,
 * `**` in the views path is replaced by the module name.
 */
export function viewCandidates(paths: TemplatePaths, view: string, module: string | undefined): string[] {
  checkName(view, "View name");
  const root = viewsRoot(paths, module);
  const candidates: string[] = [];
  if (paths.viewName !== undefined && !view.endsWith(paths.extension || "\0"))
    candidates.push(
      inside(root, path.join(view, withExtension(paths.viewName, paths.extension)), "View", view),
    );
  candidates.push(inside(root, withExtension(view, paths.extension), "View", view));
  return candidates;
}

function viewsRoot(paths: TemplatePaths, module: string | undefined): string {
  if (!paths.useModules) {
    if (module !== undefined)
      throw new TemplateError(
        `res.module("${module}").render() needs useModules: true and a views path like modules/**/pages`,
      );
    return paths.views;
  }
  if (module === undefined)
    throw new TemplateError(
      'This engine uses modules (useModules: true): render views with res.module("name").render(view, data)',
    );
  if (!MODULE_NAME.test(module) || module === "." || module === "..")
    throw new TemplateError(`Invalid module name "${module}": use letters, digits, ".", "_" and "-"`);
  if (paths.views.includes("**")) return paths.views.replace("**", module);
  return path.join(paths.views, module);
}

/** The file of `@layout(name)`. */
export function layoutFile(paths: TemplatePaths, name: string): string {
  if (paths.layouts === undefined)
    throw new TemplateError(`@layout("${name}") needs path.layouts in the TemplateEngine options`);
  checkName(name, "Layout name");
  return inside(paths.layouts, withExtension(name, paths.extension), "Layout", name);
}

/** The file of `@component(name)`. */
export function componentFile(paths: TemplatePaths, name: string): string {
  if (paths.components === undefined)
    throw new TemplateError(`@component("${name}") needs path.components in the TemplateEngine options`);
  checkName(name, "Component name");
  return inside(paths.components, withExtension(name, paths.extension), "Component", name);
}

/** The file of `@import(name)`: relative to the importing template. */
export function importFile(paths: TemplatePaths, from: string, name: string): string {
  checkName(name, "Import path");
  return path.resolve(path.dirname(from), withExtension(name, paths.extension));
}

/** Whether `file` exists and is a regular file. */
export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== "string" || name === "" || name.includes("\0"))
    throw new TemplateError(`${what} must be a non-empty string, got ${JSON.stringify(name)}`);
}

/** Resolves `relative` under `root`, refusing names that climb out of it (`../../etc/passwd`). */
function inside(root: string, relative: string, what: string, name: string): string {
  const file = path.resolve(root, relative);
  const rel = path.relative(path.resolve(root), file);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    throw new TemplateError(`${what} "${name}" is outside its directory ${root}`);
  return file;
}
