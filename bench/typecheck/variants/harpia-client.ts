/**
 * The shipped `@harpia/client`: `routes.gen.ts` written by its generator from the OpenAPI
 * document of the 200 routes, and the client's declarations (emitted by tsc from the package's
 * sources into `harpia-client/`, what a frontend gets from the published `.d.ts`).
 */
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { generateRoutes, routePath } from "@harpia/client/generate";
import openapiTS, { astToString } from "openapi-typescript";
import * as R from "../routes";
import { declarationFlags } from "./hono";
import { openApiDocument } from "./openapi-doc";
import type { PrepareContext, Variant } from "./types";

const PACKAGES = path.join(import.meta.dir, "../../../packages");
const CLIENT_SOURCE = path.join(PACKAGES, "client/src/index.ts");
const CORE_SOURCE = path.join(PACKAGES, "core/src/index.ts");
/** Packages core's declarations import, linked into the project's node_modules. */
const CORE_TYPE_DEPENDENCIES = ["@standard-schema/spec", "regjsparser"];

type CallStyle = "methods" | "request";

/** The frontend file: every route called once, a field of its answer read (as openapi-fetch's is). */
function frontend(style: CallStyle): string {
  const get = (i: number) =>
    style === "methods"
      ? `api.get("${R.getPath(i)}", { params: { id: "1" } })`
      : `api.request("GET ${R.getPath(i)}", { params: { id: "1" } })`;
  const post = (i: number) =>
    style === "methods"
      ? `api.post("${R.postPath(i)}", { body: ${R.sampleBody(i)} })`
      : `api.request("POST ${R.postPath(i)}", { body: ${R.sampleBody(i)} })`;
  const calls = R.indices()
    .map(
      (i) =>
        `  const g${i}: string | undefined = (await ${get(i)}).data?.name;\n` +
        `  const p${i}: string | undefined = (await ${post(i)}).data?.createdAt;\n` +
        `  out.push(g${i}, p${i});`,
    )
    .join("\n");
  return `${R.GENERATED}import { createClient } from "./harpia-client/index";
import type { Routes } from "./routes.gen";

const api = createClient<Routes>({ baseUrl: "http://localhost:3000" });

export async function callEveryRoute(): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
${calls}
  return out;
}
`;
}

/** Emits the client's declarations into `<dir>/harpia-client/`. */
async function emitClient(dir: string, ctx: PrepareContext): Promise<void> {
  await emitDeclarations(CLIENT_SOURCE, path.join(dir, "harpia-client"), ctx);
}

/**
 * Emits core's declarations into `<dir>/harpia-core/` (what an app gets from the published
 * `.d.ts`) and links the packages they import into `<dir>/node_modules/`.
 */
async function emitCore(dir: string, ctx: PrepareContext): Promise<void> {
  await emitDeclarations(CORE_SOURCE, path.join(dir, "harpia-core"), ctx);
  for (const name of CORE_TYPE_DEPENDENCIES) {
    const link = path.join(dir, "node_modules", name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(PACKAGES, "core/node_modules", name), link);
  }
}

async function emitDeclarations(source: string, outDir: string, ctx: PrepareContext): Promise<void> {
  await ctx.tsc([
    source,
    "--ignoreConfig",
    ...declarationFlags(outDir),
    "--target",
    "ESNext",
    "--module",
    "ESNext",
    "--moduleResolution",
    "bundler",
    "--lib",
    "ESNext,DOM",
    "--types",
    "bun",
    "--strict",
    "--skipLibCheck",
    "--resolveJsonModule",
  ]);
}

/**
 * The 200 routes on the real `@harpia/core` (its emitted declarations), statement style, each
 * with its zod body and response schemas: `req.params`, `req.body` and `res.json()` are typed
 * from them.
 */
function coreServer(): string {
  const routes = R.indices()
    .map(
      (i) =>
        `const getAnswer${i} = ${R.getResponseSchemaSource()};\n` +
        `const postAnswer${i} = ${R.postResponseSchemaSource()};\n` +
        `app.get("${R.getPath(i)}", { schema: { response: getAnswer${i} } }, (req, res) => res.json(${R.getAnswer(i, "req.params.id")}));\n` +
        `app.post("${R.postPath(i)}", { schema: { body: body${i}, response: postAnswer${i} } }, (req, res) => res.json(${R.postAnswer("req.body")}));`,
    )
    .join("\n");
  return `${R.GENERATED}import { z } from "zod";
import harpia from "./harpia-core/index";

${R.bodySchemas()}

export const app = harpia();

${routes}
`;
}

/** The generated routes file, importing the client's types from the emitted declarations. */
const routesGen = () =>
  generateRoutes(openApiDocument(), {
    importFrom: "./harpia-client/index",
    header: R.GENERATED.trimEnd(),
  });

/**
 * The alternative the generator was measured against: openapi-typescript's `paths` (api.d.ts)
 * re-keyed into the same flat `Routes`, each entry indexing into `paths` instead of holding
 * plain types.
 */
function routesOverOpenapiTypescript(): string {
  const document = openApiDocument() as { paths: Record<string, Record<string, any>> };
  const lines: string[] = [];
  for (const [p, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const at = `paths[${JSON.stringify(p)}]["${method}"]`;
      const input: string[] = [];
      if ((op.parameters ?? []).some((x: any) => x.in === "path"))
        input.push(`params: ${at}["parameters"]["path"]`);
      if (op.requestBody) input.push(`body: ${at}["requestBody"]["content"]["application/json"]`);
      const key = `${method.toUpperCase()} ${routePath(p)}`;
      lines.push(
        `  ${JSON.stringify(key)}: { input: { ${input.join("; ")} }; response: Success<200, ${at}["responses"][200]["content"]["application/json"]> | Unexpected };`,
      );
    }
  }
  return `${R.GENERATED}import type { Success, Unexpected } from "./harpia-client/index";
import type { paths } from "./api";

export interface Routes {
${lines.join("\n")}
}
`;
}

/** `@harpia/client` variants: the frontend alone (two call styles) and beside the (B) server. */
export function harpiaClientVariants(server: Record<string, string>): Variant[] {
  const files = (style: CallStyle) => ({ "routes.gen.ts": routesGen(), "frontend.ts": frontend(style) });
  return [
    {
      name: "harpia-client-only",
      description:
        "`@harpia/client`: generated `Routes` + `api.get(path, …)` on every route, `.data?.name` read",
      files: files("methods"),
      roots: ["frontend.ts"],
      prepare: emitClient,
    },
    {
      name: "harpia-client-request-only",
      description: '`@harpia/client`: generated `Routes` + `api.request("GET /path", …)` on every route',
      files: files("request"),
      roots: ["frontend.ts"],
      prepare: emitClient,
    },
    {
      name: "harpia-client-openapi-ts-only",
      description:
        "`@harpia/client` over openapi-typescript's `paths` re-keyed (`Routes` entries index into api.d.ts), `api.get`",
      files: { "routes.gen.ts": routesOverOpenapiTypescript(), "frontend.ts": frontend("methods") },
      roots: ["frontend.ts"],
      prepare: async (dir, ctx) => {
        await emitClient(dir, ctx);
        await Bun.write(
          path.join(dir, "api.d.ts"),
          R.GENERATED + astToString(await openapiTS(openApiDocument() as never)),
        );
      },
    },
    {
      name: "harpia-core-dts-server",
      description: "the real `@harpia/core` (emitted `.d.ts`), 200 routes with zod body + response schemas",
      files: { "server.ts": coreServer() },
      roots: ["server.ts"],
      prepare: emitCore,
    },
    {
      name: "harpia-core-dts-server+client",
      description: "the real `@harpia/core` server and the `@harpia/client` frontend in one program",
      files: { "server.ts": coreServer(), ...files("methods") },
      roots: ["server.ts", "frontend.ts"],
      prepare: async (dir, ctx) => {
        await emitCore(dir, ctx);
        await emitClient(dir, ctx);
      },
    },
    {
      name: "harpia-client-server+client",
      description:
        "`@harpia/client` frontend and the (B) server (200 routes, body + response schemas) in one program",
      files: { ...server, ...files("methods") },
      roots: ["server.ts", "frontend.ts"],
      prepare: emitClient,
    },
  ];
}
