/**
 * The demo's typed-client routes, generated from its OpenAPI document:
 *
 *   bun run --cwd apps/demo client:routes            # rewrites src/api/routes.gen.ts
 *   bun run --cwd apps/demo client:routes --check    # exit 1 when it is stale
 *
 * The same as `harpia-client generate --input test/support/openapi-app.ts --out
 * src/api/routes.gen.ts`; test/client.test.ts fails when the committed file is stale.
 */
import path from "node:path";
import { writeRoutes } from "@harpia/client/generate";

/** The generated file. */
export const ROUTES_FILE = path.join(import.meta.dir, "../../src/api/routes.gen.ts");

/** Writes (or with `check`, only compares) src/api/routes.gen.ts. */
export function generateClientRoutes(check = false) {
  return writeRoutes(path.join(import.meta.dir, "openapi-app.ts"), ROUTES_FILE, { check });
}

if (import.meta.main) {
  const { file, state } = await generateClientRoutes(process.argv.includes("--check"));
  console.log(`${path.relative(process.cwd(), file)}: ${state}`);
  if (state === "stale") process.exit(1);
}
