import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/augment.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "esnext",
  platform: "node",
  external: ["bun", /^@harpia\//],
  sourcemap: true,
});
