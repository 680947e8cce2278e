// Type-level checks, run by `tsc -p packages/openapi/tsconfig.json` (`bun run typecheck`):
// every `@ts-expect-error` below must be an error, or the check fails.
import harpia from "@harpia/core";
import { buildOpenApiDocument, type OpenApiDocument, openapi } from "@harpia/openapi";

const app = harpia();
app.use(
  openapi({
    info: { title: "T", version: "1", "x-logo": { url: "/logo.png" } },
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    include: (route) => route.kind === "http" && route.path.startsWith("/api/"),
    toJsonSchema: (_schema, { direction, part }) =>
      direction === "input" && part === "body" ? {} : undefined,
    docs: false,
  }),
);

// @ts-expect-error info needs a version
openapi({ info: { title: "T" } });
// @ts-expect-error docs is a path or false, not true
openapi({ docs: true });
// @ts-expect-error a security scheme has a known type
openapi({ securitySchemes: { key: { type: "cookie" } } });
// @ts-expect-error unknown option
openapi({ infos: {} });

const document: OpenApiDocument = buildOpenApiDocument(app.routeTable());
const version: string = document.openapi;
// @ts-expect-error the route table is required
buildOpenApiDocument();

export { version };
