#!/usr/bin/env bun
/**
 * `harpia-client generate --input <openapi.json | URL | module> --out <routes.gen.ts> [--check]`
 *
 * Exit code 0 when the file was written (or is fresh with `--check`), 1 when it is stale or the
 * input could not be read, 2 for a usage error.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { writeRoutes } from "./generate/write";

const USAGE = `Usage: harpia-client generate --input <file.json|file.yaml|URL|module.ts> --out <routes.gen.ts> [options]

Turns an OpenAPI 3.1 document into a flat \`interface Routes\` for createClient<Routes>().

  --input, -i    an OpenAPI document (JSON or YAML file, or http(s) URL), or a module exporting
                 a document or an app (export document | openapi | app | default; a function is
                 called, { app, close } is closed after) asked in process for its document
  --out, -o      the file to write
  --check        write nothing; exit 1 when --out differs from what would be generated
  --path         where an app serves its document (default /openapi.json)
  --import-from  where the generated file imports the client's types (default @harpia/client)
  --help, -h     this text`;

async function main(argv: string[]): Promise<number> {
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        input: { type: "string", short: "i" },
        out: { type: "string", short: "o" },
        check: { type: "boolean", default: false },
        path: { type: "string" },
        "import-from": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const problem =
    positionals[0] !== "generate" || positionals.length > 1
      ? `expected the command "generate", got ${positionals.length ? positionals.join(" ") : "nothing"}`
      : !values.input
        ? "--input is required"
        : !values.out
          ? "--out is required"
          : undefined;
  if (problem) {
    console.error(`error: ${problem}\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = await writeRoutes(values.input!, values.out!, {
      check: values.check,
      documentPath: values.path,
      importFrom: values["import-from"],
    });
    const shown = path.relative(process.cwd(), result.file);
    if (result.state === "stale") {
      console.error(
        `${shown} is stale: run harpia-client generate --input ${values.input} --out ${values.out} and commit it`,
      );
      return 1;
    }
    console.log(`${shown}: ${result.state}`);
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
