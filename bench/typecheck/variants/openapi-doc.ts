/**
 * The OpenAPI 3.1 document of the 200 routes, built from the same zod 4 schemas the servers use
 * (`z.toJSONSchema`), as an OpenAPI package would publish it.
 */
import { z } from "zod";
import * as R from "../routes";

type JsonSchema = Record<string, unknown>;

/** Evaluates a schema's source from routes.ts, so the document describes exactly what servers declare. */
const schemaFrom = (source: string): z.ZodType => new Function("z", `return ${source};`)(z);

/** A zod schema as the JSON Schema a document embeds (`$schema` dropped). */
export function jsonSchema(source: string, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schemaFrom(source), { io }) as JsonSchema;
  return rest;
}

const json = (schema: JsonSchema) => ({ "application/json": { schema } });

/** The document: one `get` per `/resource{i}/{id}` and one `post` per `/resource{i}`. */
export function openApiDocument(): Record<string, unknown> {
  const body = jsonSchema(R.bodySchemaSource(), "input");
  const getAnswer = jsonSchema(R.getResponseSchemaSource(), "output");
  const postAnswer = jsonSchema(R.postResponseSchemaSource(), "output");
  const paths: Record<string, unknown> = {};
  for (const i of R.indices()) {
    paths[R.getPathOpenApi(i)] = {
      get: {
        operationId: `getResource${i}`,
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "OK", content: json(getAnswer) } },
      },
    };
    paths[R.postPath(i)] = {
      post: {
        operationId: `createResource${i}`,
        requestBody: { required: true, content: json(body) },
        responses: { "200": { description: "OK", content: json(postAnswer) } },
      },
    };
  }
  return { openapi: "3.1.0", info: { title: "typecheck bench", version: "1.0.0" }, paths };
}
