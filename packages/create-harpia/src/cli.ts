#!/usr/bin/env bun
/**
 * `bun create harpia my-app` (Bun runs this package's bin, as `bunx create-harpia my-app`):
 * writes a working Harpia app into `my-app`, runs `bun install` there (unless `--no-install`)
 * and prints the next steps. Exit code 0 when the app is ready, 1 when nothing could be
 * written or the install failed, 2 for a usage error.
 */
import path from "node:path";
import { parseArgs, USAGE, UsageError } from "./args";
import { ownVersion, ScaffoldError, scaffold } from "./scaffold";

function main(argv: readonly string[]): number {
  let command: ReturnType<typeof parseArgs>;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (command.kind === "version") {
    console.log(ownVersion());
    return 0;
  }

  const target = path.resolve(command.target);
  let files: string[];
  try {
    files = scaffold({ target });
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    console.error(`error: ${error.message}`);
    return 1;
  }
  const shown = path.relative(process.cwd(), target) || ".";
  console.log(`Created a Harpia app in ${shown} (${files.length} files).`);

  if (command.install) {
    console.log("\nInstalling dependencies with bun install...");
    // process.execPath is the Bun running this command.
    const install = Bun.spawnSync([process.execPath, "install"], {
      cwd: target,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (install.exitCode !== 0) {
      console.error(
        `\nerror: bun install failed in ${shown}; the files are there: run bun install in it again.`,
      );
      return 1;
    }
  }

  const steps = [
    ...(shown === "." ? [] : [`cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`]),
    ...(command.install ? [] : ["bun install"]),
    "bun run dev        # http://localhost:3000, log in as demo / harpia",
    "bun test           # the app's tests (@harpia/test-client)",
    "bun run typecheck  # tsc --noEmit",
  ];
  console.log(`\nNext:\n${steps.map((step) => `  ${step}`).join("\n")}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
