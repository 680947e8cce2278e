/**
 * The API reference page: Swagger UI from the `swagger-ui-dist` package, its files served by
 * the plugin under the page's path (no CDN), started by an external script (no inline script
 * or style), so it renders under a strict Content Security Policy such as shield's default.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { escapeHtml } from "@harpia/core/utils";

/** The files of Swagger UI the page loads, by the name they are served under. */
export const ASSETS = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

/** The folder of the installed `swagger-ui-dist`, found once (a clear error when missing). */
export function swaggerUiFolder(): string {
  try {
    return path.dirname(fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));
  } catch (error) {
    throw new Error(
      "@harpia/openapi: the docs page needs the swagger-ui-dist package (bun add swagger-ui-dist)",
      {
        cause: error,
      },
    );
  }
}

/** The script that starts Swagger UI with the document's URL, read from its own tag. */
export const INIT_SCRIPT = `(function () {
  var tag = document.currentScript;
  window.ui = SwaggerUIBundle({
    url: tag.getAttribute("data-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
`;

/** The page: a stylesheet and two external scripts, everything from `base` (the docs path). */
export function docsHtml(title: string, base: string, documentUrl: string): string {
  const prefix = base === "/" ? "" : base;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(`${prefix}/swagger-ui.css`)}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${escapeHtml(`${prefix}/swagger-ui-bundle.js`)}"></script>
<script src="${escapeHtml(`${prefix}/init.js`)}" data-url="${escapeHtml(documentUrl)}"></script>
</body>
</html>
`;
}
