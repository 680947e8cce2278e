import { definePlugin, type Harpia, type HarpiaRequest, type Plugin } from "@harpia/core";
import { type RequestIdOptions, resolveOptions } from "./options";

declare module "@harpia/core" {
  interface RequestState {
    /**
     * This request's id, from `@harpia/request-id`: the client's valid `X-Request-Id`, or a
     * generated UUIDv7. Set before routing, so every middleware, handler and hook sees it.
     */
    requestId: string;
  }
}

/** The plugin's name (`app.hasPlugin("@harpia/request-id")`, `dependencies` of other plugins). */
export const PLUGIN_NAME = "@harpia/request-id";

/** What an id may hold: safe in a header, a log line, a URL or a JSON string, unescaped. */
const ID_CHARACTERS = /^[A-Za-z0-9._:@/+=-]+$/;

/** Apps with a request-id plugin: a second one would send a second, different id. */
const installed = new WeakSet<Harpia>();

/**
 * Gives every request an id: the valid one the client or proxy sent in `X-Request-Id`, else a
 * new UUIDv7. The id is on `req.state.requestId` before routing and in the response's
 * `X-Request-Id` on every answer (routes, 404, 405, OPTIONS, errors, static files). Install it
 * first, so the hooks of other plugins see it too.
 *
 * An incoming id is kept only when it is 1 to `maxLength` (128) characters of
 * `A-Z a-z 0-9 . _ : @ / + = -`; anything else (too long, spaces, commas from repeated headers,
 * control characters) is replaced by a generated id and never echoed.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { requestId } from "@harpia/request-id";
 *
 * const app = harpia();
 * app.use(requestId());
 * app.get("/", (req) => `your request is ${req.state.requestId}`);
 */
export function requestId(options?: RequestIdOptions): Plugin {
  const { header, trustIncoming, maxLength, generate } = resolveOptions(options);
  const isValid = (id: unknown): id is string =>
    typeof id === "string" && id.length <= maxLength && ID_CHARACTERS.test(id);

  const fresh =
    generate === undefined
      ? () => Bun.randomUUIDv7()
      : (req: HarpiaRequest<any>) => {
          const id = generate(req);
          if (isValid(id)) return id;
          throw new TypeError(
            `requestId({ generate }) returned ${JSON.stringify(id)}: an id is 1 to ${maxLength} ` +
              "characters of A-Z a-z 0-9 . _ : @ / + = -",
          );
        };

  /** The client's id when it is valid (and trusted), else a new one. */
  const decide = (req: HarpiaRequest<any>): string => {
    const incoming = trustIncoming ? req.headers.get(header) : null;
    return incoming !== null && isValid(incoming) ? incoming : fresh(req);
  };

  /** The request's id, decided once and kept on `req.state`. */
  const idOf = (req: HarpiaRequest<any>): string => {
    const state = req.state;
    if (state.requestId === undefined) {
      try {
        state.requestId = decide(req);
      } catch (error) {
        // A broken `generate` is answered as the server error it is, still with an id.
        state.requestId = Bun.randomUUIDv7();
        throw error;
      }
    }
    return state.requestId;
  };

  return definePlugin({
    name: PLUGIN_NAME,
    setup(app) {
      if (installed.has(app))
        throw new Error(`${PLUGIN_NAME} is already installed on this app: app.use(requestId()) once`);
      installed.add(app);
      app.addHook("onRequest", (req) => {
        idOf(req);
      });
      // Also reached by requests an earlier onRequest hook answered: those get their id here.
      app.addHook("onSend", (req, res) => {
        res.header(header, idOf(req));
      });
    },
  });
}

/**
 * The id of `req`, or `undefined` when no request-id plugin is installed on its app. Handy
 * where the app's types are not in scope (a logger, a library); elsewhere read
 * `req.state.requestId`.
 */
export function requestIdOf(req: HarpiaRequest<any>): string | undefined {
  return req.state.requestId;
}
