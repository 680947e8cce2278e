/**
 * @harpia/client/generate — the generator behind `harpia-client generate`: an OpenAPI 3.1
 * document → the source of a flat `Routes` interface for `createClient<Routes>()`.
 */
export { assertDocument, type GenerateOptions, generateRoutes, routePath, typeNameOf } from "./emit";
export { type LoadOptions, loadDocument } from "./load";
export { type WriteResult, writeRoutes } from "./write";
