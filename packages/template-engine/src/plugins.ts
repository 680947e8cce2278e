import type { HarpiaResponse } from "@harpia/core";

/**
 * What a plugin sees as `this` while a template renders: the response being rendered (when
 * rendering through `res.render`) and the per-request `locals`. A fresh context is made for
 * every render, so nothing here is shared between concurrent requests.
 */
export interface PluginContext {
  /** The response being rendered, or `undefined` for `engine.render`/`engine.generate` without one. */
  readonly res: HarpiaResponse | undefined;
  /** `res.locals`, or a per-render object when there is no response. */
  readonly locals: Record<string, any>;
  /** The CSP nonce of this response (see the `generateNonce()` plugin). */
  nonce(): string;
}

/** A template plugin: called as `{{ name(args) }}` with a {@link PluginContext} as `this`. */
export type Plugin<Args extends any[] = any[], Result = unknown> = (
  this: PluginContext,
  ...args: Args
) => Result;

/** Bytes of randomness in a generated nonce (128 bits, the CSP recommendation's minimum). */
const NONCE_BYTES = 16;

/** A fresh random nonce: 128 bits, base64. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(NONCE_BYTES))).toString("base64");
}

/** @internal The plugin context of one render. */
export class RenderScope implements PluginContext {
  private ownLocals: Record<string, any> | undefined;

  constructor(readonly res: HarpiaResponse | undefined) {}

  get locals(): Record<string, any> {
    if (this.res !== undefined) return this.res.locals;
    if (this.ownLocals === undefined) this.ownLocals = {};
    return this.ownLocals;
  }

  nonce(): string {
    // `@harpia/shield` (with useNonce) stores the nonce it put in the CSP header here; reuse it
    // so the page and the header agree. Without shield, make one and keep it for this response.
    const locals = this.locals;
    const current = locals.nonce;
    if (typeof current === "string" && current !== "") return current;
    const nonce = createNonce();
    locals.nonce = nonce;
    return nonce;
  }
}

/** Marks a string as safe HTML that `{{ }}` prints without escaping. */
export class SafeString {
  constructor(readonly value: string) {}

  /** The HTML itself. */
  toString(): string {
    return this.value;
  }
}

/**
 * Marks `value` as trusted HTML: `{{ raw(html) }}` in a template, or return `raw(...)` from a
 * plugin that builds markup. Never pass user input to it.
 */
export function raw(value: unknown): SafeString {
  if (value instanceof SafeString) return value;
  return new SafeString(value === undefined || value === null ? "" : String(value));
}

/** Plugin names the engine defines itself; `raw` cannot be replaced because escaping relies on it. */
export const RESERVED_PLUGINS = new Set(["raw"]);

/** The plugins every engine starts with. */
export function builtinPlugins(): Record<string, Plugin> {
  const plugins: Record<string, Plugin> = Object.create(null);
  plugins.raw = raw;
  plugins.generateNonce = function generateNonce(this: PluginContext) {
    return this.nonce();
  };
  return plugins;
}
