/** The plugins installed on one app: each once, after the plugins it depends on. */
import { type Plugin, pluginRecord } from "../plugin";

/** Installs plugins on an app and answers `app.hasPlugin(name)`. */
export class PluginSet {
  private readonly installed = new Set<Plugin>();
  /** How many installed plugins carry each name (for `dependencies`). */
  private readonly names = new Map<string, number>();

  /**
   * Installs `plugin` on `app` (its `setup(app)`), unless this very plugin already is. A missing
   * dependency throws an `Error` naming both plugins.
   */
  install(plugin: Plugin, app: unknown): void {
    if (this.installed.has(plugin)) return;
    const record = pluginRecord(plugin);
    for (const dependency of record.dependencies) {
      if (!this.names.has(dependency))
        throw new Error(`Plugin "${record.name}" needs "${dependency}": app.use() that one first`);
    }
    this.installed.add(plugin);
    this.names.set(record.name, (this.names.get(record.name) ?? 0) + 1);
    record.setup(app);
  }

  /** Whether a plugin of this name was installed. */
  has(name: string): boolean {
    return this.names.has(name);
  }
}
