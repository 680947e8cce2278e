/**
 * `@harpia/core/testing`: test suites for code that plugs into Harpia. Imports `bun:test`, so
 * use it from test files only.
 *
 * @example
 * import { runAtomicStoreContract } from "@harpia/core/testing";
 */
export { type AtomicStoreContractOptions, runAtomicStoreContract } from "./atomic-store-contract";
