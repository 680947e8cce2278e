import { defineConfig } from "tsup";

/**
 * One executable module, `dist/cli.js`, run by Bun (its `#!/usr/bin/env bun` line is kept). No
 * types: the package is a command, it exports nothing. The template ships as it is (`template/`).
 */
export default defineConfig({
  entry: ["src/cli.ts"],
  format: ["esm"],
  dts: false,
  clean: true,
  target: "esnext",
  platform: "node",
  external: ["bun", /^bun:/],
  sourcemap: false,
});
