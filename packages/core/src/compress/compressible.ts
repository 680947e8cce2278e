/**
 * Which media types are worth compressing: text, JSON, JavaScript, XML, SVG, WebAssembly and
 * uncompressed fonts. Images, audio, video and archives are compressed already.
 */
const COMPRESSIBLE =
  /^(?:text\/|application\/(?:json|javascript|x-javascript|ecmascript|xml|xhtml\+xml|wasm|graphql|ld\+json|manifest\+json|x-ndjson|toml|yaml|x-yaml|vnd\.ms-fontobject|x-font-ttf|x-font-otf|[\w.+-]+\+(?:json|xml))\b|image\/(?:svg\+xml|x-icon|vnd\.microsoft\.icon|bmp)\b|font\/(?:ttf|otf)\b)/i;

/** `text/event-stream` must reach the client event by event; compression would hold events back. */
const EVENT_STREAM = /^text\/event-stream\b/i;

/** Whether a `Content-Type` is worth compressing. */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType) && !EVENT_STREAM.test(contentType);
}

/** Server-sent events are never compressed, whatever a custom filter says. */
export function isEventStream(contentType: string): boolean {
  return EVENT_STREAM.test(contentType);
}
