/**
 * Writes one TypeScript project per variant into `generated/<variant>/` (git-ignored): the same
 * 200 routes declared with each framework / client approach, each with its own tsconfig.
 *
 *   bun bench/typecheck/generate.ts [--only hono-server,openapi-fetch] [--ts path/to/typescript]
 */
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { elysiaVariants } from "./variants/elysia";
import { harpiaVariants } from "./variants/harpia";
import { harpiaCoreVariants } from "./variants/harpia-core";
import { honoVariants } from "./variants/hono";
import { openapiVariants } from "./variants/openapi";
import type { Variant } from "./variants/types";

/** Where the projects go. */
export const GENERATED_DIR = path.join(import.meta.dir, "generated");

/** The workspace's TypeScript (6.x): the compiler every figure is measured with by default. */
export const WORKSPACE_TS = path.dirname(Bun.resolveSync("typescript/package.json", import.meta.dir));

/** The same compiler options for every project: what a Bun app would use. */
const TSCONFIG = {
  compilerOptions: {
    target: "ESNext",
    lib: ["ESNext", "DOM"],
    module: "ESNext",
    moduleResolution: "bundler",
    types: ["bun"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
};

/** Every variant, in the order they are generated and reported. */
export async function allVariants(): Promise<Variant[]> {
  return [
    {
      name: "empty",
      description: "one line, no import: the floor (lib + @types/bun)",
      files: { "index.ts": "export const answer = 42;\n" },
      roots: ["index.ts"],
    },
    ...honoVariants(),
    ...elysiaVariants(),
    ...openapiVariants(),
    ...(await harpiaVariants()),
    ...harpiaCoreVariants(),
  ];
}

/** Runs `tsc` of the given TypeScript install with these arguments under Node (or Bun). */
export async function runTsc(tsDir: string, args: string[]): Promise<{ code: number; output: string }> {
  const runtime = Bun.which("node") ?? process.execPath;
  const proc = Bun.spawn([runtime, path.join(tsDir, "bin", "tsc"), ...args], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, output: out + err };
}

/** Writes the selected variants' projects; returns them with their folders. */
export async function generate(options: { only?: string[]; ts?: string } = {}) {
  const tsDir = options.ts ?? WORKSPACE_TS;
  const variants = (await allVariants()).filter((v) => !options.only || options.only.includes(v.name));
  const dirOf = (name: string) => path.join(GENERATED_DIR, name);
  const ctx = {
    variantDir: dirOf,
    tsc: async (args: string[]) => {
      const { code, output } = await runTsc(tsDir, args);
      if (code !== 0) throw new Error(`tsc ${args.join(" ")} failed:\n${output}`);
    },
  };
  if (!options.only) await rm(GENERATED_DIR, { recursive: true, force: true });
  const written = new Set<string>();
  const write = async (variant: Variant) => {
    const dir = dirOf(variant.name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(variant.files)) await Bun.write(path.join(dir, file), text);
    await Bun.write(
      path.join(dir, "tsconfig.json"),
      `${JSON.stringify(
        {
          compilerOptions: { ...TSCONFIG.compilerOptions, ...variant.compilerOptions },
          files: variant.roots,
        },
        null,
        2,
      )}\n`,
    );
    written.add(variant.name);
  };
  for (const variant of variants) await write(variant);
  for (const variant of variants) {
    for (const name of variant.needs ?? [])
      if (!written.has(name)) await write((await allVariants()).find((v) => v.name === name)!);
    await variant.prepare?.(dirOf(variant.name), ctx);
  }
  return variants.map((v) => ({ ...v, dir: dirOf(v.name) }));
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { only: { type: "string" }, ts: { type: "string" } } });
  const done = await generate({
    only: values.only?.split(","),
    ts: values.ts ? path.resolve(values.ts) : undefined,
  });
  console.log(`Generated ${done.length} projects in ${path.relative(process.cwd(), GENERATED_DIR)}/`);
}
