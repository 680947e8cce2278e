/**
 * Bytes in a size option (`102400`, `"100kb"`, `"1.5mb"`): core's `parseSize`, re-exported so
 * `import { parseSize } from "@harpia/preset"` keeps working. One parser for every size option.
 */
export { parseSize } from "@harpia/core/utils";
