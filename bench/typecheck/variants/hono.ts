/** Hono with `@hono/zod-validator`, and its RPC client `hc`. */
import * as R from "../routes";
import type { Variant } from "./types";

function server(): string {
  const chain = R.indices()
    .map(
      (i) =>
        `  .get("${R.getPath(i)}", (c) => c.json(${R.getAnswer(i, 'c.req.param("id")')}))\n` +
        `  .post("${R.postPath(i)}", zValidator("json", body${i}), (c) => c.json(${R.postAnswer('c.req.valid("json")')}))`,
    )
    .join("\n");
  return `${R.GENERATED}import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";

${R.bodySchemas()}

export const app = new Hono()
${chain};

export type AppType = typeof app;
`;
}

function client(): string {
  const calls = R.indices()
    .map(
      (i) =>
        `  const g${i}: string = (await (await api.resource${i}[":id"].$get({ param: { id: "1" } })).json()).name;\n` +
        `  const r${i} = await api.resource${i}.$post({ json: ${R.sampleBody(i)} });\n` +
        `  const p${i}: string = r${i}.ok ? (await r${i}.json()).createdAt : "invalid";\n` +
        `  out.push(g${i}, p${i});`,
    )
    .join("\n");
  return `${R.GENERATED}import { hc } from "hono/client";
import type { AppType } from "./server";

const api = hc<AppType>("http://localhost:3000");

export async function callEveryRoute(): Promise<string[]> {
  const out: string[] = [];
${calls}
  return out;
}
`;
}

/** The Hono variants: server alone, server + client, client against the server's emitted `.d.ts`. */
export function honoVariants(): Variant[] {
  return [
    {
      name: "hono-server",
      description: "Hono app, 200 routes chained, zValidator on POST bodies",
      files: { "server.ts": server() },
      roots: ["server.ts"],
    },
    {
      name: "hono-server+client",
      description: "the same + `hc<typeof app>` calling every route once",
      files: { "server.ts": server(), "client.ts": client() },
      roots: ["server.ts", "client.ts"],
    },
    {
      name: "hono-client-only",
      description: "the client file against `server.d.ts` emitted by tsc from hono-server",
      files: { "client.ts": client() },
      roots: ["client.ts"],
      needs: ["hono-server"],
      prepare: async (dir, ctx) => {
        await ctx.tsc(["-p", ctx.variantDir("hono-server"), ...declarationFlags(dir)]);
      },
    },
  ];
}

/** tsc flags that emit only declarations into `dir` (the projects say `noEmit`). */
export const declarationFlags = (dir: string) => [
  "--noEmit",
  "false",
  "--declaration",
  "--emitDeclarationOnly",
  "--outDir",
  dir,
];
