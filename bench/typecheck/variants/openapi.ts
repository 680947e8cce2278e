/** openapi-typescript's `paths` declarations of the OpenAPI document, used by openapi-fetch. */
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import * as R from "../routes";
import { openApiDocument } from "./openapi-doc";
import type { Variant } from "./types";

function client(): string {
  const calls = R.indices()
    .map(
      (i) =>
        `  const g${i}: string | undefined = (await api.GET("${R.getPathOpenApi(i)}", { params: { path: { id: "1" } } })).data?.name;\n` +
        `  const p${i}: string | undefined = (await api.POST("${R.postPath(i)}", { body: ${R.sampleBody(i)} })).data?.createdAt;\n` +
        `  out.push(g${i}, p${i});`,
    )
    .join("\n");
  return `${R.GENERATED}import createClient from "openapi-fetch";
import type { paths } from "./api";

const api = createClient<paths>({ baseUrl: "http://localhost:3000" });

export async function callEveryRoute(): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
${calls}
  return out;
}
`;
}

/** The frontend's view with generated types: `api.d.ts` from openapi-typescript + openapi-fetch calls. */
export function openapiVariants(): Variant[] {
  return [
    {
      name: "openapi-fetch",
      description: "openapi-typescript `paths` (api.d.ts) + openapi-fetch calling every route once",
      files: { "client.ts": client() },
      roots: ["client.ts"],
      prepare: async (dir) => {
        const document = openApiDocument();
        await Bun.write(path.join(dir, "openapi.json"), JSON.stringify(document, null, 2));
        const ast = await openapiTS(document as never);
        await Bun.write(path.join(dir, "api.d.ts"), R.GENERATED + astToString(ast));
      },
    },
  ];
}
