/**
 * Compiling an app: its registrations become one `CompiledApp` (routers, chains, Bun's native
 * table, WebSocket routes, the hooks, the body policy's defaults, the error responder), built
 * on first use after any change and read by every request as it is.
 */
import type { RouteGroup } from "../group";
import { compose } from "../pipeline/chain";
import type { CompiledApp, CompiledRoute } from "../pipeline/compiled";
import { createErrorResponder } from "../pipeline/error-responder";
import type { RequestHooks } from "../pipeline/lifecycle";
import { responder } from "../pipeline/respond";
import { answerUnmatched } from "../pipeline/unmatched";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { type NativeCandidate, nativeTable } from "../router/native";
import { expandOptional, parsePattern } from "../router/pattern";
import { TrieRouter } from "../router/trie-router";
import { compileWsRoutes } from "../ws/routes";
import { DEFAULT_BODY_LIMIT } from "./options";
import { compileRoutes, type FlatRoute, type FlatWsRoute, fallbackMiddleware, flatten } from "./routes";
import type { AppState } from "./state";

/** Compiles the app rooted at `root` (the app itself) with its state. Throws on a bad route table. */
export function compileApp(root: RouteGroup<any>, state: AppState): CompiledApp {
  const { config } = state;
  const bodyLimit = config.bodyLimit ?? state.listenBodyLimit ?? DEFAULT_BODY_LIMIT;
  const respondError = createErrorResponder(state);
  const routes: FlatRoute[] = [];
  const wsRoutes: FlatWsRoute[] = [];
  flatten(root, "", [], routes, wsRoutes);
  const router = new TrieRouter<CompiledRoute>({ constraintMaxLength: config.constraintMaxLength });
  const candidates: NativeCandidate<CompiledRoute>[] = [];
  const defaults = {
    bodyLimit,
    jsonDepth: config.jsonDepth,
    timeout: config.timeout,
    checkResponses: () => state.development || config.validateResponses,
  };
  compileRoutes(routes, router, respondError, defaults, (method, segments, value) =>
    candidates.push({ method, segments, value }),
  );
  const ws = compileWsRoutes(wsRoutes, state.sockets, respondError, config.wsOrigins, {
    constraintMaxLength: config.constraintMaxLength,
  });
  const wsPatterns = wsRoutes.flatMap((route) => expandOptional(parsePattern(route.pattern)));
  const middleware = fallbackMiddleware(root);
  const unmatched = (req: HarpiaRequest<any>, res: HarpiaResponse) =>
    answerUnmatched(state, router, ws, req, res);
  const fallback = compose([...middleware, unmatched], respondError);
  const limit = config.nativeLimit;
  let native = limit > 0 ? nativeTable(candidates, wsPatterns) : new Map();
  if (native.size > limit) native = new Map();
  const hooks: RequestHooks = {
    onRequest: [...state.hooks.onRequest],
    onSend: [...state.hooks.onSend],
    onResponse: [...state.hooks.onResponse],
    report: state.report,
  };
  return {
    router,
    ws,
    native,
    fallback,
    middleware,
    bodyLimit,
    override: config.override,
    hooks,
    respondError,
    finish: responder(hooks, respondError, state.closing),
    context: config.context,
    signer: config.signer,
    views: state.engine,
    sockets: state.sockets,
    report: state.report,
    closing: state.closing,
    timed: state.timed,
  };
}
