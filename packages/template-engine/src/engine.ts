import path from "node:path";
import type { Harpia, HarpiaResponse, ViewEngine } from "@harpia/core";
import { TemplateCache, type TemplateEntry } from "./cache";
import type { DependencyRequest } from "./compiler/compile";
import { TemplateError, TemplateNotFoundError } from "./errors";
import { builtinPlugins, type Plugin, RESERVED_PLUGINS, RenderScope } from "./plugins";
import {
  componentFile,
  importFile,
  isFile,
  layoutFile,
  normalizeExtension,
  type TemplatePaths,
  viewCandidates,
  withExtension,
} from "./resolve";
import type { RenderState } from "./runtime";

/** Options of {@link TemplateEngine}. */
export interface TemplateEngineOptions {
  /** Where templates live. */
  path: {
    /** Directory of views (`res.render(view)`); with `useModules`, `**` stands for the module name. */
    views: string;
    /** Directory of layouts (`@layout("default")` → `<layouts>/default.html`). */
    layouts?: string;
    /** Directory of components (`@component("header")` → `<components>/header.html`). */
    components?: string;
  };
  /** File name of a view inside its folder: `"page"` renders `<views>/<view>/page.html`. */
  viewName?: string;
  /** Views live in modules: `res.module("users").render("home")` → `modules/users/pages/home/page.html`. */
  useModules?: boolean;
  /** Extension of template files (default `.html`). */
  fileExtension?: string;
  /**
   * Recompile templates when their files change (checked on every render). Defaults to the
   * app's `development` flag once `configure(app)` was called, otherwise `false`.
   */
  development?: boolean;
  /** Most template files kept compiled (default 2000). */
  maxTemplates?: number;
  /** Deepest nesting of imports, components and layouts in one render (default 64). */
  maxDepth?: number;
}

/** Where and how to render: the response (for `res.locals` and the nonce) and the module. */
export interface RenderOptions {
  /** The response being rendered; `res.render` passes it. */
  res?: HarpiaResponse;
  /** The module of the view, when the engine uses modules. */
  module?: string;
}

const PLUGIN_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * The Harpia template engine. Templates are compiled once into JavaScript functions and
 * cached; expressions can reach only the data, `@set` locals, loop variables and plugins.
 *
 * @example
 * const engine = new TemplateEngine({ viewName: "page", path: { views: "src/resources/pages" } });
 * engine.configure(app);
 * app.get("/", async (req, res) => { await res.render("home", { title: "Home" }); });
 */
export class TemplateEngine implements ViewEngine {
  private readonly paths: TemplatePaths;
  private readonly plugins: Record<string, Plugin> = builtinPlugins();
  private readonly cache: TemplateCache;
  private readonly views = new Map<string, TemplateEntry>();
  private readonly maxTemplates: number;
  private readonly maxDepth: number;
  private app: Harpia | undefined;

  constructor(private readonly options: TemplateEngineOptions) {
    if (typeof options?.path?.views !== "string" || options.path.views === "")
      throw new TypeError("TemplateEngine needs options.path.views (the directory of your views)");
    const extension = normalizeExtension(options.fileExtension);
    this.paths = {
      views: path.resolve(options.path.views),
      layouts: options.path.layouts === undefined ? undefined : path.resolve(options.path.layouts),
      components: options.path.components === undefined ? undefined : path.resolve(options.path.components),
      extension,
      viewName: options.viewName === "" ? undefined : options.viewName,
      useModules: options.useModules ?? false,
    };
    this.maxTemplates = positive(options.maxTemplates, 2000, "maxTemplates");
    this.maxDepth = positive(options.maxDepth, 64, "maxDepth");
    this.cache = new TemplateCache(
      (request, from) => this.dependencyFile(request, from),
      isFile,
      this.maxTemplates,
    );
  }

  /** Whether templates are re-checked on disk for every render. */
  get development(): boolean {
    return this.options.development ?? this.app?.development ?? false;
  }

  /**
   * Makes this engine the app's view engine (`res.render`, `res.module(name).render`). The
   * second argument of the seed's `engine.configure(app, shield.instance)` is accepted and
   * ignored: the nonce reaches templates through `res.locals.nonce`.
   */
  configure(app: Harpia, _shieldInstance?: unknown): this {
    app.engine.set(this);
    this.app = app;
    return this;
  }

  /**
   * Adds a plugin callable from templates as `{{ name(args) }}`. Plugins are synchronous;
   * `this` is the {@link PluginContext} of the render (response, locals, nonce). Return
   * `raw(html)` to print markup unescaped.
   */
  registerPlugin<Args extends any[], Result>(name: string, plugin: Plugin<Args, Result>): this {
    if (!PLUGIN_NAME.test(name))
      throw new TypeError(`Invalid plugin name "${name}": use a JavaScript identifier`);
    if (RESERVED_PLUGINS.has(name))
      throw new TypeError(`"${name}" is a built-in plugin and cannot be replaced`);
    if (typeof plugin !== "function") throw new TypeError(`Plugin "${name}" must be a function`);
    this.plugins[name] = plugin as Plugin;
    return this;
  }

  /** Whether a plugin called `name` is registered (built-ins included). */
  hasPlugin(name: string): boolean {
    return Object.hasOwn(this.plugins, name);
  }

  /**
   * Renders a view by name (`home` → `<views>/home/page.html` with `viewName: "page"`, else
   * `<views>/home.html`). `res.render` calls this with the response and `res.locals` merged
   * under `data`.
   */
  async render(view: string, data: Record<string, any> = {}, options: RenderOptions = {}): Promise<string> {
    const key = options.module === undefined ? view : `${options.module}\0${view}`;
    let entry = this.development ? undefined : this.views.get(key);
    if (entry === undefined) {
      entry = await this.findView(view, options.module);
      if (!this.development) {
        if (this.views.size >= this.maxTemplates) this.views.delete(this.views.keys().next().value!);
        this.views.set(key, entry);
      }
    }
    return this.run(entry, data, options.res);
  }

  /**
   * Renders the template at `file` (relative to the working directory; the extension may be
   * left out), wherever it is: mail bodies, exports, anything outside the views.
   */
  async generate(file: string, data: Record<string, any> = {}, options: RenderOptions = {}): Promise<string> {
    if (typeof file !== "string" || file === "")
      throw new TypeError("engine.generate() needs a template path");
    const resolved = path.resolve(withExtension(file, this.paths.extension));
    if (!(await isFile(resolved))) throw new TemplateNotFoundError(`Template "${file}"`, [resolved]);
    return this.run(this.cache.entry(resolved), data, options.res);
  }

  /** Compiles views ahead of the first request; a broken or missing one fails here instead. */
  async preload(views: string[], module?: string): Promise<void> {
    for (const view of views) {
      const entry = await this.findView(view, module);
      await this.cache.prepare(entry, false);
    }
  }

  /** Drops every compiled template; the next render reads and compiles again. */
  clearCache(): void {
    this.cache.clear();
    this.views.clear();
  }

  private async run(
    entry: TemplateEntry,
    data: Record<string, any>,
    res: HarpiaResponse | undefined,
  ): Promise<string> {
    if (data === null || typeof data !== "object")
      throw new TypeError(`Template data must be an object, got ${data === null ? "null" : typeof data}`);
    await this.cache.prepare(entry, this.development);
    const state: RenderState = {
      plugins: this.plugins,
      context: new RenderScope(res),
      stack: [entry.file],
      maxDepth: this.maxDepth,
    };
    return entry.compiled!.render(data, state, undefined);
  }

  private async findView(view: string, module: string | undefined): Promise<TemplateEntry> {
    const candidates = viewCandidates(this.paths, view, module);
    for (const candidate of candidates) if (await isFile(candidate)) return this.cache.entry(candidate);
    const what = module === undefined ? `View "${view}"` : `View "${view}" of module "${module}"`;
    throw new TemplateNotFoundError(what, candidates);
  }

  private dependencyFile(request: DependencyRequest, from: string): string {
    switch (request.kind) {
      case "layout":
        return layoutFile(this.paths, request.name);
      case "component":
        return componentFile(this.paths, request.name);
      case "import":
        return importFile(this.paths, from, request.name);
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TemplateError(`${name} must be a positive integer`);
  return value;
}
