/**
 * Harpia's two candidate client approaches, from the prototypes in `../prototypes/` (copied into
 * each project so it stands alone):
 * (A) inferred — the app's type accumulates its routes, `client<typeof app>()` maps it;
 * (B) generated — the server keeps Harpia's statement style, a generator turns the OpenAPI
 *     document into a flat `interface Routes`, and the same small client reads it.
 */

import { emitRoutes } from "../prototypes/emit-routes";
import * as R from "../routes";
import { harpiaClientVariants } from "./harpia-client";
import { declarationFlags } from "./hono";
import { openApiDocument } from "./openapi-doc";
import type { Variant } from "./types";

const PROTOTYPES = new URL("../prototypes/", import.meta.url);
const read = (file: string) => Bun.file(new URL(file, PROTOTYPES)).text();

/** The prototype files a project needs, by name. */
async function copies(...names: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) out[`${name}.ts`] = await read(`${name}.ts`);
  return out;
}

/** A server chaining the 200 routes on an (A) app from `module`. */
function inferredServer(module: string): string {
  const chain = R.indices()
    .map(
      (i) =>
        `  .get("${R.getPath(i)}", ({ params }) => (${R.getAnswer(i, "params.id")}))\n` +
        `  .post("${R.postPath(i)}", { body: body${i} }, ({ body }) => (${R.postAnswer("body")}))`,
    )
    .join("\n");
  return `${R.GENERATED}import { z } from "zod";
import { createApp } from "./${module}";

${R.bodySchemas()}

export const app = createApp()
${chain};

export type AppType = typeof app;
`;
}

/**
 * A server registering the 200 routes with Harpia's statement style, with response schemas (what
 * the generator needs to type answers) or without (answers typed `unknown` for the client).
 */
function statementServer(responses: boolean): string {
  const routes = R.indices()
    .map((i) =>
      responses
        ? `const getAnswer${i} = ${R.getResponseSchemaSource()};\n` +
          `const postAnswer${i} = ${R.postResponseSchemaSource()};\n` +
          `app.get("${R.getPath(i)}", { response: getAnswer${i} }, (req, res) => res.json(${R.getAnswer(i, "req.params.id")}));\n` +
          `app.post("${R.postPath(i)}", { body: body${i}, response: postAnswer${i} }, (req, res) => res.json(${R.postAnswer("req.body")}));`
        : `app.get("${R.getPath(i)}", {}, (req, res) => res.json(${R.getAnswer(i, "req.params.id")}));\n` +
          `app.post("${R.postPath(i)}", { body: body${i} }, (req, res) => res.json(${R.postAnswer("req.body")}));`,
    )
    .join("\n");
  return `${R.GENERATED}import { z } from "zod";
import { createServer } from "./server-prototype";

${R.bodySchemas()}

export const app = createServer();

${routes}
`;
}

type CallStyle = "methods" | "call";

/** The frontend file: every route called once, its answer read. */
function clientFile(setup: string, style: CallStyle): string {
  const get = (i: number) =>
    style === "methods"
      ? `api.get("${R.getPath(i)}", { params: { id: "1" } })`
      : `api.call("GET ${R.getPath(i)}", { params: { id: "1" } })`;
  const post = (i: number) =>
    style === "methods"
      ? `api.post("${R.postPath(i)}", { body: ${R.sampleBody(i)} })`
      : `api.call("POST ${R.postPath(i)}", { body: ${R.sampleBody(i)} })`;
  const calls = R.indices()
    .map(
      (i) =>
        `  const g${i}: string = (await ${get(i)}).name;\n` +
        `  const p${i}: string = (await ${post(i)}).createdAt;\n` +
        `  out.push(g${i}, p${i});`,
    )
    .join("\n");
  return `${R.GENERATED}${setup}

export async function callEveryRoute(): Promise<string[]> {
  const out: string[] = [];
${calls}
  return out;
}
`;
}

const inferredClient = (module: string, style: CallStyle = "methods") =>
  clientFile(
    `import { client } from "./${module}";\nimport type { AppType } from "./server";\n\nconst api = client<AppType>("http://localhost:3000");`,
    style,
  );

/** The frontend registers the app's routes once, as an interface, and calls `client()`. */
const registryClient = () =>
  clientFile(
    `import { client, type RoutesOf } from "./inferred";\nimport type { AppType } from "./server";\n\ndeclare module "./inferred" {\n  interface Routes extends RoutesOf<AppType> {}\n}\n\nconst api = client("http://localhost:3000");`,
    "methods",
  );

const generatedClient = (style: CallStyle) =>
  clientFile(
    `import { createClient } from "./client";\nimport type { Routes } from "./routes.gen";\n\nconst api = createClient<Routes>("http://localhost:3000");`,
    style,
  );

/** (A) variations: how the app accumulates its routes. */
const INFERRED = [
  { module: "inferred", label: "intersection" },
  { module: "inferred-union", label: "union" },
  { module: "inferred-simplify", label: "flattened" },
] as const;

/** Every Harpia prototype variant. */
export async function harpiaVariants(): Promise<Variant[]> {
  const base = await copies("standard-schema", "params", "app-runtime", "client");
  const variants: Variant[] = [];
  for (const { module, label } of INFERRED) {
    const files = { ...base, ...(await copies(module)), "server.ts": inferredServer(module) };
    const name = `harpia-a-${label}`;
    variants.push(
      {
        name: `${name}-server`,
        description: `(A) ${label}: the app chaining 200 routes`,
        files,
        roots: ["server.ts"],
      },
      {
        name: `${name}-server+client`,
        description: `(A) ${label}: + \`client<typeof app>\` calling every route once`,
        files: { ...files, "frontend.ts": inferredClient(module) },
        roots: ["server.ts", "frontend.ts"],
      },
    );
    // "flattened" fails to compile past ~100 routes (TS2589), so there is no .d.ts to check against.
    if (label === "flattened") continue;
    variants.push({
      name: `${name}-client-only`,
      description: `(A) ${label}: the client file against the server's emitted \`.d.ts\``,
      files: { "frontend.ts": inferredClient(module) },
      roots: ["frontend.ts"],
      needs: [`${name}-server`],
      prepare: async (dir, ctx) => {
        await ctx.tsc(["-p", ctx.variantDir(`${name}-server`), ...declarationFlags(dir)]);
      },
    });
  }
  const intersection = { ...base, ...(await copies("inferred")), "server.ts": inferredServer("inferred") };
  variants.push(
    {
      name: "harpia-a-registry-server+client",
      description: "(A) intersection, frontend declares `interface Routes extends RoutesOf<typeof app> {}`",
      files: { ...intersection, "frontend.ts": registryClient() },
      roots: ["server.ts", "frontend.ts"],
    },
    {
      name: "harpia-a-registry-client-only",
      description: "(A) the registry frontend against the server's emitted `.d.ts`",
      files: { "frontend.ts": registryClient() },
      roots: ["frontend.ts"],
      needs: ["harpia-a-intersection-server"],
      prepare: async (dir, ctx) => {
        await ctx.tsc(["-p", ctx.variantDir("harpia-a-intersection-server"), ...declarationFlags(dir)]);
      },
    },
    {
      name: "harpia-a-call-server+client",
      description: '(A) intersection, client calls `api.call("GET /path", …)`',
      files: { ...intersection, "frontend.ts": inferredClient("inferred", "call") },
      roots: ["server.ts", "frontend.ts"],
    },
  );
  const routesGen = `${R.GENERATED}${emitRoutes(openApiDocument())}`;
  const serverFiles = async (responses: boolean) => ({
    ...(await copies("standard-schema", "params", "app-runtime")),
    "server-prototype.ts": await read("server.ts"),
    "server.ts": statementServer(responses),
  });
  const server = await serverFiles(true);
  const frontend = (style: CallStyle) => ({
    "client.ts": base["client.ts"]!,
    "routes.gen.ts": routesGen,
    "frontend.ts": generatedClient(style),
  });
  variants.push(
    {
      name: "harpia-b-server",
      description: "(B) statement-style app, 200 routes with body + response schemas",
      files: server,
      roots: ["server.ts"],
    },
    {
      name: "harpia-b-server-no-response-schemas",
      description: "(B) the same without response schemas (the client would see `unknown` answers)",
      files: await serverFiles(false),
      roots: ["server.ts"],
    },
    {
      name: "harpia-b-client-only",
      description: "(B) generated `interface Routes` + client, `api.get(path, …)` on every route",
      files: frontend("methods"),
      roots: ["frontend.ts"],
    },
    {
      name: "harpia-b-call-client-only",
      description: '(B) generated `interface Routes` + client, `api.call("GET /path", …)` on every route',
      files: frontend("call"),
      roots: ["frontend.ts"],
    },
    {
      name: "harpia-b-server+client",
      description: "(B) the server and the frontend in one program",
      files: { ...server, ...frontend("methods") },
      roots: ["server.ts", "frontend.ts"],
    },
    ...harpiaClientVariants(server),
  );
  return variants;
}
