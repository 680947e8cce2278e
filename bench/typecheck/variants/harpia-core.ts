/**
 * `@harpia/core` itself (not a prototype): the 200 routes in Harpia's statement style, with
 * route schemas (zod 4 bodies, params and response schemas) inferred by core's real types.
 * Core is read from its sources (the `harpia-source` condition), so the figures include
 * checking core: `harpia-core-import` (the import alone) is the floor to subtract.
 */
import * as R from "../routes";
import type { Variant } from "./types";

const SOURCE = { customConditions: ["harpia-source"] };

function server(schemas: boolean): string {
  const routes = R.indices()
    .map((i) =>
      schemas
        ? `app.get("${R.getPath(i)}", { schema: { response: getAnswer } }, (req) => (${R.getAnswer(i, "req.params.id")}));\n` +
          `app.post("${R.postPath(i)}", { schema: { body: body${i}, response: { 201: postAnswer } } }, (req, res) => res.status(201).json(${R.postAnswer("req.body")}));`
        : `app.get("${R.getPath(i)}", (req) => (${R.getAnswer(i, "req.params.id")}));\n` +
          `app.post("${R.postPath(i)}", (req, res) => res.status(201).json(${R.postAnswer("req.body")}));`,
    )
    .join("\n");
  return `${R.GENERATED}import harpia from "@harpia/core";
import { z } from "zod";

${schemas ? `${R.bodySchemas()}\nconst getAnswer = ${R.getResponseSchemaSource()};\nconst postAnswer = ${R.postResponseSchemaSource()};\n` : ""}
export const app = harpia();

${routes}
`;
}

/** Core's own variants. */
export function harpiaCoreVariants(): Variant[] {
  return [
    {
      name: "harpia-core-import",
      description: "`@harpia/core` from its sources, an app and no route: the floor of the two below",
      files: {
        "server.ts": `${R.GENERATED}import harpia from "@harpia/core";\n\nexport const app = harpia();\n`,
      },
      roots: ["server.ts"],
      compilerOptions: SOURCE,
    },
    {
      name: "harpia-core-server-no-schemas",
      description: "`@harpia/core`, 200 routes without schemas (params from the paths)",
      files: { "server.ts": server(false) },
      roots: ["server.ts"],
      compilerOptions: SOURCE,
    },
    {
      name: "harpia-core-server",
      description:
        "`@harpia/core`, 200 routes with schemas: zod bodies, response schemas (res.json and returns checked)",
      files: { "server.ts": server(true) },
      roots: ["server.ts"],
      compilerOptions: SOURCE,
    },
  ];
}
