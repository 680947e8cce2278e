import type { HarpiaRequest } from "./request";
import type { HarpiaResponse } from "./response";
import { HAS_LOCALS } from "./symbols";

/** What a view engine receives besides the view name and data. */
export interface RenderContext {
  /** The request being answered (its `state` holds per-request values such as the CSP nonce). */
  req: HarpiaRequest<any> | undefined;
  /** The response being rendered (its `locals` hold per-request values such as the CSP nonce). */
  res: HarpiaResponse;
  /** The module whose views to use (`res.module("books").render(...)`), for module layouts. */
  module?: string;
}

/**
 * Any template engine: an object with `render(view, data)`. The seed's EJS adapter fits as it
 * is; `@harpia/template-engine` also reads the context for modules and the nonce.
 */
export interface ViewEngine {
  render(view: string, data: Record<string, any>, context?: RenderContext): string | Promise<string>;
}

/** `app.engine`: where the app's view engine is plugged in (`app.engine.set(engine)`). */
export class EngineSlot {
  private current: ViewEngine | undefined;

  /** Uses `engine` for `res.render`. */
  set(engine: ViewEngine): void {
    if (typeof engine?.render !== "function")
      throw new TypeError("app.engine.set() needs an object with render(view, data)");
    this.current = engine;
  }

  /** The engine in use, if any. */
  get(): ViewEngine | undefined {
    return this.current;
  }

  /** @internal Renders for `res.render` (`res.locals` merged under `data`). */
  async renderView(
    view: string,
    data: Record<string, unknown>,
    res: HarpiaResponse,
    module?: string,
  ): Promise<string> {
    if (!this.current)
      throw new Error(`res.render("${view}") needs a view engine: call app.engine.set(engine) first`);
    // Per-request values (res.locals) first, so the handler's data wins on a name clash.
    const merged = res[HAS_LOCALS] ? { ...res.locals, ...data } : data;
    return this.current.render(view, merged, { req: res.req, res, module });
  }
}
