import path from "node:path";
import {
  type AppSettings,
  definePlugin,
  type Harpia,
  type Plugin as HarpiaPlugin,
  type HarpiaRequest,
  type HarpiaResponse,
  type ViewEngine,
} from "@harpia/core";
import { TemplateCache, type TemplateEntry } from "./cache";
import type { DependencyRequest } from "./compiler/compile";
import { TemplateError, TemplateNotFoundError } from "./errors";
import { builtinPlugins, existingNonce, type Plugin, RESERVED_PLUGINS, RenderScope } from "./plugins";
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
   * app's `development` setting once installed (`app.use(engine)`), otherwise `false`.
   */
  development?: boolean;
  /** Most template files kept compiled (default 2000). */
  maxTemplates?: number;
  /** Deepest nesting of imports, components and layouts in one render (default 64). */
  maxDepth?: number;
}

/**
 * Where and how to render: the request (for `req.state.nonce`), the response (for `res.locals`)
 * and the module. `res.render` passes them all (core's `RenderContext`).
 */
export interface RenderOptions {
  /** The request being answered; defaults to `res.req`. */
  req?: HarpiaRequest<any> | undefined;
  /** The response being rendered. */
  res?: HarpiaResponse;
  /** The module of the view, when the engine uses modules. */
  module?: string;
}

const PLUGIN_NAME = /^[A-Za-z_$][\w$]*$/;

/** The plugin name an engine installs under (`app.hasPlugin("@harpia/template-engine")`). */
const NAME = "@harpia/template-engine";

/**
 * The Harpia template engine. Templates are compiled once into JavaScript functions and
 * cached; expressions can reach only the data, `@set` locals, loop variables and plugins.
 *
 * An engine is a Harpia plugin: `app.use(engine)` makes it the app's view engine
 * (`res.render`), once per app. `engine.configure(app)` is the same call, kept from the seed.
 *
 * @example
 * const engine = new TemplateEngine({ viewName: "page", path: { views: "src/resources/pages" } });
 * app.use(engine);
 * app.get("/", async (req, res) => { await res.render("home", { title: "Home" }); });
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the plugin brand is set by the constructor
export class TemplateEngine implements ViewEngine {
  private readonly paths: TemplatePaths;
  private readonly plugins: Record<string, Plugin> = builtinPlugins();
  private readonly cache: TemplateCache;
  private readonly views = new Map<string, TemplateEntry>();
  private readonly maxTemplates: number;
  private readonly maxDepth: number;
  /** The settings of the app it was installed on last, for `development`. */
  private settings: AppSettings | undefined;

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
    definePlugin({ name: NAME, setup: (app: Harpia) => this.install(app) }, this);
  }

  /** Whether templates are re-checked on disk for every render. */
  get development(): boolean {
    return this.options.development ?? this.settings?.development ?? false;
  }

  /**
   * The seed's spelling of `app.use(engine)`: makes this engine the app's view engine
   * (`res.render`, `res.module(name).render`), once per app, and returns the engine. The
   * second argument of `engine.configure(app, shield.instance)` is accepted and ignored: the
   * nonce reaches templates through `req.state.nonce`.
   */
  configure(app: Harpia, _shieldInstance?: unknown): this {
    app.use(this);
    return this;
  }

  /** The plugin's setup, run once per app by `app.use(engine)`. */
  private install(app: Harpia): void {
    app.engine.set(this);
    this.settings = app.settings;
  }

  /**
   * Adds a plugin callable from templates as `{{ name(args) }}`. Plugins are synchronous;
   * `this` is the {@link PluginContext} of the render (request, response, locals, nonce). Return
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
    return this.run(entry, data, options);
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
    return this.run(this.cache.entry(resolved), data, options);
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
    options: RenderOptions,
  ): Promise<string> {
    if (data === null || typeof data !== "object")
      throw new TypeError(`Template data must be an object, got ${data === null ? "null" : typeof data}`);
    const { res } = options;
    const req = options.req ?? res?.req;
    // `{{ nonce }}` without `@set`: the request's nonce when the data has none of its own.
    if (!Object.hasOwn(data, "nonce")) {
      const nonce = existingNonce(req, res);
      if (nonce !== undefined) data = { ...data, nonce };
    }
    await this.cache.prepare(entry, this.development);
    const state: RenderState = {
      plugins: this.plugins,
      context: new RenderScope(req, res),
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

// `definePlugin` brands every instance in the constructor; this tells TypeScript, so that
// `app.use(engine)` type-checks.
export interface TemplateEngine extends HarpiaPlugin {}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TemplateError(`${name} must be a positive integer`);
  return value;
}
