/**
 * The brand that makes a value a plugin, and the record behind it. Kept apart from
 * `define-plugin.ts` (which knows the app's type) so the router can recognise plugins without
 * importing the app.
 */
import type { Middleware } from "./types";

/** `Symbol.for`, so two copies of core (a linked package, a test double) still agree. */
const BRAND: unique symbol = Symbol.for("harpia.plugin") as never;

/** What `app.use` reads from a plugin. */
export interface PluginRecord {
  readonly name: string;
  readonly dependencies: readonly string[];
  /** At most one plugin of this name per app, and this value on one app only (`definePlugin`'s `once`). */
  readonly once: boolean;
  /**
   * The app a `once` plugin is installed on: set by `app.use` after its `setup` succeeded, so a
   * setup that throws leaves the value installable.
   */
  boundTo: unknown;
  readonly setup: (app: any) => void;
  /** What the plugin does when used on one route or router (`router.use(plugin)`), if anything. */
  readonly middleware: Middleware | undefined;
}

/**
 * A value `app.use()` installs as a plugin: made by {@link definePlugin}. Test for one with
 * {@link isPlugin}.
 */
export interface Plugin {
  readonly [BRAND]: PluginRecord;
}

/** True for a value made by `definePlugin`. */
export function isPlugin(value: unknown): value is Plugin {
  return (
    (typeof value === "function" || (typeof value === "object" && value !== null)) &&
    typeof (value as Partial<Plugin>)[BRAND]?.setup === "function"
  );
}

/** The record of a plugin value. */
export function pluginRecord(plugin: Plugin): PluginRecord {
  return plugin[BRAND];
}

/** Brands `value` with `record` (not enumerable: spreading or logging a handle ignores it). */
export function brandPlugin<T extends object>(value: T, record: PluginRecord): T & Plugin {
  Object.defineProperty(value, BRAND, { value: record, enumerable: false });
  return value as T & Plugin;
}
