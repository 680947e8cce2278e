/**
 * @harpia/template-engine — the Harpia template language: `{{ expressions }}`, `@if`, `@for`,
 * `@set`, layouts with blocks, imports, components and plugins, compiled once into JavaScript
 * functions and safe by construction (templates reach only their data and plugins).
 */
export { type RenderOptions, TemplateEngine, type TemplateEngineOptions } from "./engine";
export {
  codeFrame,
  TemplateError,
  type TemplateLocation,
  TemplateNotFoundError,
  TemplateSyntaxError,
} from "./errors";
export { type Plugin, type PluginContext, raw, SafeString } from "./plugins";
