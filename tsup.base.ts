import { defineConfig, type Options } from "tsup";

/**
 * The build every package shares: ESM + `.d.ts`, Bun (and `bun:*` modules) and sibling `@harpia/*` packages kept
 * external (siblings are peer dependencies). Pass extra entry points when a package has any.
 *
 * No source maps: the output is one readable, unminified module per entry point, so stack traces
 * already point at real code, and a map would either carry every source (most of the tarball:
 * core went from 83 KiB to 180 KiB packed) or point at `src/` files that are not shipped.
 */
export function harpiaTsup(entry: string[] = ["src/index.ts"]): Options | Options[] {
  return defineConfig({
    entry,
    format: ["esm"],
    // `@internal` declarations stay out of the published types (checked by scripts/check-dts.ts).
    dts: { compilerOptions: { stripInternal: true } },
    clean: true,
    target: "esnext",
    platform: "node",
    external: ["bun", /^bun:/, /^@harpia\//],
    sourcemap: false,
  }) as Options | Options[];
}
