/** The plugins installed on one app: each once, after the plugins it depends on. */
import { type Plugin, pluginRecord } from "../plugin";
import type { Middleware } from "../types";

/** Installs plugins on an app and answers `app.hasPlugin(name)`. */
export class PluginSet {
  private readonly installed = new Set<Plugin>();
  /** How many installed plugins carry each name (for `dependencies`). */
  private readonly names = new Map<string, number>();
  /** Names of installed `once` plugins: no other plugin of such a name may join them. */
  private readonly onceNames = new Set<string>();

  /** Plugins whose `setup` is running (a setup may `app.use` its own handle as middleware). */
  private readonly installing = new Set<Plugin>();

  /**
   * Installs `plugin` on `app` (its `setup(app)`), unless this very plugin already is. A missing
   * dependency throws an `Error` naming both plugins. From the plugin's own `setup`,
   * `app.use(plugin)` means its middleware: `addMiddleware` gets it. A setup that throws does not
   * count as installed (it can be fixed and installed again). A `once` plugin is refused, with an
   * `Error` naming it, next to another plugin of its name and on a second app.
   */
  install(plugin: Plugin, app: unknown, addMiddleware: (fn: Middleware) => void): void {
    const record = pluginRecord(plugin);
    if (this.installing.has(plugin)) {
      if (record.middleware === undefined)
        throw new TypeError(`Plugin "${record.name}" called app.use() on itself but is not a middleware`);
      addMiddleware(record.middleware);
      return;
    }
    if (this.installed.has(plugin)) return;
    if (this.names.has(record.name) && (record.once || this.onceNames.has(record.name)))
      throw new Error(
        `Plugin "${record.name}" is already installed on this app, which may have only one: call app.use(...) once`,
      );
    if (record.once && record.boundTo !== undefined && record.boundTo !== app)
      throw new Error(
        `Plugin "${record.name}": this value is already installed on another app; make one per app`,
      );
    for (const dependency of record.dependencies) {
      if (!this.names.has(dependency))
        throw new Error(`Plugin "${record.name}" needs "${dependency}": app.use() that one first`);
    }
    this.installing.add(plugin);
    try {
      record.setup(app);
    } finally {
      this.installing.delete(plugin);
    }
    this.installed.add(plugin);
    if (record.once) {
      record.boundTo = app;
      this.onceNames.add(record.name);
    }
    this.names.set(record.name, (this.names.get(record.name) ?? 0) + 1);
  }

  /** Whether a plugin of this name was installed. */
  has(name: string): boolean {
    return this.names.has(name);
  }
}
