import { harpiaTsup } from "../../tsup.base";

/**
 * Three entries: the client (`dist/index.js`, what a frontend bundles), the generator
 * (`dist/generate/index.js`) and the `harpia-client` command (`dist/cli.js`, run by Bun).
 */
export default harpiaTsup(["src/index.ts", "src/generate/index.ts", "src/cli.ts"]);
