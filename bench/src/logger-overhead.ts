/**
 * What the JSON access log costs per request, in process (no HTTP): the same `GET /users/:id`
 * JSON route answered through `app.fetch` without a logger and with each piece of one, rounds
 * interleaved. Not part of `bun run bench`.
 *
 *   bun run --cwd bench src/logger-overhead.ts
 */
import { definePlugin, logger } from "@harpia/core";
import pino from "pino";
import { compareVariants, userApp } from "./in-process";

const variants: Parameters<typeof compareVariants>[0] = [
  ["no logger", userApp()],
  ["app.timeRequests() only", userApp((a) => a.timeRequests())],
  [
    "a no-op onRequest hook (what timing used to need)",
    userApp((a) =>
      a.use(definePlugin({ name: "noop-request", setup: (x) => x.addHook("onRequest", () => {}) })),
    ),
  ],
  [
    "a no-op onResponse hook",
    userApp((a) => a.use(definePlugin({ name: "noop", setup: (x) => x.addHook("onResponse", () => {}) }))),
  ],
  [
    'logger({ format: "json", sink: noop })',
    userApp((a) => a.use(logger({ format: "json", sink: () => {} }))),
  ],
  [
    'logger({ format: "json", write: noop })',
    userApp((a) => a.use(logger({ format: "json", write: () => {} }))),
  ],
  [
    'logger({ format: "json", sink: pino(noop stream) })',
    userApp((a) => a.use(logger({ format: "json", sink: pino({}, { write() {} }) }))),
  ],
  ['logger({ format: "dev", write: noop })', userApp((a) => a.use(logger({ write: () => {} })))],
];

await compareVariants(variants);
