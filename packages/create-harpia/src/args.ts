/** What the command line asks for. */
export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "create"; target: string; install: boolean };

/** A command line the scaffolder cannot act on; the message says why. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The usage text printed by `--help` and after a usage error. */
export const USAGE = `Usage: bun create harpia <folder> [--no-install]
       bunx create-harpia <folder> [--no-install]

Writes a working Harpia app into <folder> (new, or empty): file-router pages, templates, a
session login with CSRF-protected forms, a JSON API, tests, then runs bun install there.
The folder's name is the package name.

Options:
  --no-install   write the files only (run bun install yourself)
  -h, --help     show this help
  -v, --version  print the version`;

/** Reads the arguments after the command name (`process.argv.slice(2)`). */
export function parseArgs(argv: readonly string[]): Command {
  let target: string | undefined;
  let install = true;
  for (const arg of argv) {
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "-v" || arg === "--version") return { kind: "version" };
    if (arg === "--no-install") install = false;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (target !== undefined) throw new UsageError(`one folder only (got "${target}" and "${arg}")`);
    else target = arg;
  }
  if (target === undefined || target.trim() === "")
    throw new UsageError("name the folder to create, e.g. bun create harpia my-app");
  return { kind: "create", target, install };
}
