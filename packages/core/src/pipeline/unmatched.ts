/** The answer to a request no route took: 426, automatic OPTIONS, 405, static files, 404. */
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import type { RouterEngine } from "../router/types";
import { LOOKUP_PATH } from "../symbols";
import type { Handler } from "../types";
import type { CompiledRoute } from "./compiled";

/** Something tried, in order, for requests no route matched (e.g. static files). */
export type Fallback = (req: HarpiaRequest<any>, res: HarpiaResponse) => boolean | Promise<boolean>;

/** The custom not-found handler and the methods it is limited to. */
export interface NotFound {
  handler: Handler<any>;
  methods: Set<string> | undefined;
}

/** What answering an unmatched request reads from the app (live: it can change at any time). */
export interface UnmatchedSettings {
  readonly fallbacks: readonly Fallback[];
  readonly notFound: NotFound | undefined;
}

/**
 * The last step of the chain for requests no route took: 426 on WebSocket-only paths,
 * automatic OPTIONS, 405 with `Allow`, then fallbacks (static files), then the 404.
 */
export function answerUnmatched(
  app: UnmatchedSettings,
  router: RouterEngine<CompiledRoute>,
  ws: RouterEngine<CompiledRoute> | undefined,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): unknown {
  const allowed = router.allowed(req[LOOKUP_PATH]);
  if (ws !== undefined && ws.match("GET", req[LOOKUP_PATH]) !== null) {
    if (req.method === "GET" || req.method === "HEAD") {
      throw new HttpError(426, `${req.path} only accepts WebSocket connections`, {
        code: "UPGRADE_REQUIRED",
        headers: { upgrade: "websocket", connection: "Upgrade" },
      });
    }
    allowed.push("GET");
  }
  if (allowed.length > 0) {
    const allow = [...new Set([...allowed, "OPTIONS"])].filter((m) => m !== "ALL").join(", ");
    if (req.method === "OPTIONS") {
      res.status(204).header("allow", allow).send(null);
      return;
    }
    throw new HttpError(405, `Method ${req.method} is not allowed for ${req.path}`, {
      code: "METHOD_NOT_ALLOWED",
      headers: { allow },
    });
  }
  return tryFallbacks(app, 0, req, res);
}

/** Tries fallbacks from `index` on; stays synchronous until one of them has to wait (a stat). */
function tryFallbacks(
  app: UnmatchedSettings,
  index: number,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
): unknown {
  const fallbacks = app.fallbacks;
  for (let i = index; i < fallbacks.length; i++) {
    const handled = fallbacks[i]!(req, res);
    if (handled instanceof Promise) {
      return handled.then((done) => (done ? undefined : tryFallbacks(app, i + 1, req, res)));
    }
    if (handled) return;
  }
  return answerNotFound(app, req, res);
}

function answerNotFound(app: UnmatchedSettings, req: HarpiaRequest<any>, res: HarpiaResponse): unknown {
  const custom = app.notFound;
  if (custom && (custom.methods === undefined || custom.methods.has(req.method))) {
    res.status(404);
    return custom.handler(req, res, () => Promise.resolve());
  }
  throw new HttpError(404, `Cannot ${req.method} ${req.path}`, { code: "NOT_FOUND" });
}
