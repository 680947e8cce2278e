import { harpiaTsup } from "../../tsup.base";

export default harpiaTsup(["src/index.ts", "src/utils/index.ts", "src/testing/index.ts"]);
