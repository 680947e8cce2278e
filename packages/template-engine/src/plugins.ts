import type { HarpiaRequest, HarpiaResponse } from "@harpia/core";
import { createNonce } from "@harpia/core/utils";

declare module "@harpia/core" {
  interface RequestState {
    /**
     * This request's CSP nonce (set by `@harpia/shield` with `useNonce`, or by the first
     * `generateNonce()` of a render without shield).
     */
    nonce?: string;
  }
}

/**
 * What a plugin sees as `this` while a template renders: the request and response being
 * rendered (when rendering through `res.render`) and the per-request `locals`. A fresh context
 * is made for every render, so nothing here is shared between concurrent requests.
 */
export interface PluginContext {
  /** The request being answered, or `undefined` for `engine.render`/`engine.generate` without one. */
  readonly req: HarpiaRequest<any> | undefined;
  /** The response being rendered, or `undefined` for `engine.render`/`engine.generate` without one. */
  readonly res: HarpiaResponse | undefined;
  /** `res.locals`, or a per-render object when there is no response. */
  readonly locals: Record<string, any>;
  /** The CSP nonce of this request (see the `generateNonce()` plugin). */
  nonce(): string;
}

/** A template plugin: called as `{{ name(args) }}` with a {@link PluginContext} as `this`. */
export type Plugin<Args extends any[] = any[], Result = unknown> = (
  this: PluginContext,
  ...args: Args
) => Result;

/** A non-empty string, or `undefined`. */
function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The nonce a render already has: the request's (`req.state.nonce`, where `@harpia/shield` puts
 * the one of its CSP header), else `res.locals.nonce`.
 */
export function existingNonce(
  req: HarpiaRequest<any> | undefined,
  res: HarpiaResponse | undefined,
): string | undefined {
  return text(req?.state.nonce) ?? text(res?.locals.nonce);
}

/** @internal The plugin context of one render. */
export class RenderScope implements PluginContext {
  private ownLocals: Record<string, any> | undefined;

  constructor(
    readonly req: HarpiaRequest<any> | undefined,
    readonly res: HarpiaResponse | undefined,
  ) {}

  get locals(): Record<string, any> {
    if (this.res !== undefined) return this.res.locals;
    if (this.ownLocals === undefined) this.ownLocals = {};
    return this.ownLocals;
  }

  nonce(): string {
    // `@harpia/shield` (with useNonce) puts the nonce of its CSP header in req.state.nonce: reuse
    // it so the page and the header agree. Without one, make one (core's createNonce) and keep
    // it on the request, so every call during this response returns the same value.
    const current = existingNonce(this.req, this.res) ?? text(this.ownLocals?.nonce);
    if (current !== undefined) return current;
    const nonce = createNonce();
    if (this.req !== undefined) this.req.state.nonce = nonce;
    this.locals.nonce = nonce;
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
