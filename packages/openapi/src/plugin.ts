import path from "node:path";
import type { RouteInfo } from "@harpia/core";
import { definePlugin, type Harpia, type Plugin } from "@harpia/core";
import { ASSETS, docsHtml, INIT_SCRIPT, swaggerUiFolder } from "./docs-page";
import { buildOpenApiDocument } from "./document";
import { type OpenApiOptions, type ResolvedOptions, resolveOptions } from "./options";

/** The plugin's name (`app.hasPlugin("@harpia/openapi")`). */
export const PLUGIN_NAME = "@harpia/openapi";

/**
 * The document of `app`, as JSON text: built on first use (at `listen()`, or the first request
 * without a server) and again only when routes were added since.
 */
function documentSource(app: Harpia, options: ResolvedOptions, own: ReadonlySet<string>): () => string {
  const { path: _path, docs: _docs, ...documentOptions } = options;
  let cached: { table: readonly RouteInfo[]; json: string } | undefined;
  return () => {
    // Core keeps one table until a route is added: the same array means the same document.
    const table = app.routeTable();
    if (cached === undefined || cached.table !== table) {
      const routes = table.filter((route) => !(route.kind === "http" && own.has(route.path)));
      cached = { table, json: JSON.stringify(buildOpenApiDocument(routes, documentOptions)) };
    }
    return cached.json;
  };
}

/**
 * Serves the OpenAPI 3.1 document of the app's routes at `path` (`/openapi.json`) and an API
 * reference page (Swagger UI, from the `swagger-ui-dist` package: no CDN) at `docs` (`/docs`).
 * The document comes from `app.routeTable()`: route schemas (`schema`) and metadata (`detail`);
 * it is built once, when the server starts listening or on the first request, and rebuilt only
 * if routes were added since. A schema that cannot be described is reported when the server
 * starts, and `/openapi.json` answers 500 until it is fixed. The plugin's own routes are not in
 * the document.
 *
 * @example
 * import harpia from "@harpia/core";
 * import { openapi } from "@harpia/openapi";
 *
 * const app = harpia();
 * app.use(openapi({ info: { title: "Books", version: "1.0.0" } }));
 */
export function openapi(options?: OpenApiOptions): Plugin {
  const resolved = resolveOptions(options);
  const { path: documentPath, docs } = resolved;
  return definePlugin({
    name: PLUGIN_NAME,
    setup(app) {
      const own = new Set([documentPath]);
      const document = documentSource(app, resolved, own);
      app.get(documentPath, (_req, res) => {
        res.type("application/json; charset=utf-8").send(document());
      });
      app.addHook("onListen", () => {
        document();
      });
      if (docs === false) return;
      const folder = swaggerUiFolder();
      const html = docsHtml(resolved.info.title, docs, documentPath);
      own.add(docs).add(`${docs}/init.js`);
      app.get(docs, (_req, res) => {
        res.html(html);
      });
      app.get(`${docs}/init.js`, (_req, res) => {
        res.type("text/javascript; charset=utf-8").send(INIT_SCRIPT);
      });
      for (const [name, contentType] of Object.entries(ASSETS)) {
        own.add(`${docs}/${name}`);
        const file = path.join(folder, name);
        app.get(`${docs}/${name}`, async (_req, res) => {
          await res.file(file, { contentType, maxAge: "1d" });
        });
      }
    },
  });
}
