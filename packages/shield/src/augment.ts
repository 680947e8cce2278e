/**
 * Opt-in: `import "@harpia/shield/augment"` adds the seed's `app.shield(options)` to every
 * Harpia app, as a shorthand for `app.use(shield(options))`. Core stays unaware of shield:
 * this module patches `Harpia.prototype` and merges the method into core's types.
 */
import { Harpia } from "@harpia/core";
import { shield } from "./shield";
import type { SecurityHeaders } from "./types";

declare module "@harpia/core" {
  interface Harpia {
    /**
     * Adds security headers to every response (from `@harpia/shield/augment`); same as
     * `app.use(shield(options))`.
     */
    shield(options?: SecurityHeaders): this;
  }
}

if (!Object.hasOwn(Harpia.prototype, "shield")) {
  Object.defineProperty(Harpia.prototype, "shield", {
    value: function shieldMethod(this: Harpia, options?: SecurityHeaders) {
      return this.use(shield(options));
    },
    writable: true,
    configurable: true,
  });
}
