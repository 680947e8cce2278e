/** Elysia with zod 4 bodies (Standard Schema), and its client Eden treaty. */
import * as R from "../routes";
import { declarationFlags } from "./hono";
import type { Variant } from "./types";

function server(): string {
  const chain = R.indices()
    .map(
      (i) =>
        `  .get("${R.getPath(i)}", ({ params }) => (${R.getAnswer(i, "params.id")}))\n` +
        `  .post("${R.postPath(i)}", ({ body }) => (${R.postAnswer("body")}), { body: body${i} })`,
    )
    .join("\n");
  return `${R.GENERATED}import { Elysia } from "elysia";
import { z } from "zod";

${R.bodySchemas()}

export const app = new Elysia()
${chain};

export type App = typeof app;
`;
}

function client(): string {
  const calls = R.indices()
    .map(
      (i) =>
        `  const g${i}: string | undefined = (await api.resource${i}({ id: "1" }).get()).data?.name;\n` +
        `  const p${i}: string | undefined = (await api.resource${i}.post(${R.sampleBody(i)})).data?.createdAt;\n` +
        `  out.push(g${i}, p${i});`,
    )
    .join("\n");
  return `${R.GENERATED}import { treaty } from "@elysiajs/eden";
import type { App } from "./server";

const api = treaty<App>("localhost:3000");

export async function callEveryRoute(): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
${calls}
  return out;
}
`;
}

/** The Elysia variants: server alone, server + Eden, Eden against the server's emitted `.d.ts`. */
export function elysiaVariants(): Variant[] {
  return [
    {
      name: "elysia-server",
      description: "Elysia app, 200 routes chained, zod 4 bodies",
      files: { "server.ts": server() },
      roots: ["server.ts"],
    },
    {
      name: "elysia-server+eden",
      description: "the same + Eden `treaty<typeof app>` calling every route once",
      files: { "server.ts": server(), "client.ts": client() },
      roots: ["server.ts", "client.ts"],
    },
    {
      name: "elysia-eden-only",
      description: "the Eden file against `server.d.ts` emitted by tsc from elysia-server",
      files: { "client.ts": client() },
      roots: ["client.ts"],
      needs: ["elysia-server"],
      prepare: async (dir, ctx) => {
        await ctx.tsc(["-p", ctx.variantDir("elysia-server"), ...declarationFlags(dir)]);
      },
    },
  ];
}
