/**
 * End to end: zod schemas on a Harpia app → `@harpia/openapi`'s document → the generated
 * `Routes` (test/support/zod-app.gen.ts, committed and checked fresh here) → typed calls to the
 * app in process.
 */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { notesApp } from "../test/support/zod-app";
import type { Routes } from "../test/support/zod-app.gen";
import { createClient } from "./client";
import { generateRoutes, loadDocument } from "./generate";

const SUPPORT = path.join(import.meta.dir, "../test/support");

describe("a Harpia app documented by @harpia/openapi", () => {
  test("zod-app.gen.ts is what the generator writes from the app's /openapi.json", async () => {
    const document = await loadDocument(path.join(SUPPORT, "zod-app.ts"));
    const committed = await Bun.file(path.join(SUPPORT, "zod-app.gen.ts")).text();
    // If this fails after a change to the app or the generator: bun test/support/zod-app.ts
    expect(generateRoutes(document)).toBe(committed);
  });

  test("the typed client calls the app in process", async () => {
    const api = createClient<Routes>({ fetch: notesApp().fetch });
    const created = await api.post("/notes", { body: { text: "write the client" } });
    if (created.status !== 201) throw new Error(`expected 201, got ${created.status}`);
    expect(created.data).toEqual({ id: 1, text: "write the client", done: false });
    const read = await api.get("/notes/:id", { params: { id: created.data.id } });
    expect(read.ok && read.data.text).toBe("write the client");
    const list = await api.get("/notes", { query: { done: "no" } });
    expect(list.data?.notes.map((n) => n.id)).toEqual([1]);
    const missing = await api.get("/notes/:id", { params: { id: 99 } });
    if (missing.status !== 404) throw new Error(`expected 404, got ${missing.status}`);
    expect(missing.error.code).toBe("NOTE_NOT_FOUND");
  });

  test("invalid input is a typed 422 problem document, from core's validation", async () => {
    const api = createClient<Routes>({ fetch: notesApp().fetch });
    const res = await api.post("/notes", { body: { text: "" } });
    if (res.status !== 422) throw new Error(`expected 422, got ${res.status}`);
    expect(res.error.code).toBe("VALIDATION_FAILED");
    expect(res.error.errors.map((issue) => `${issue.in} ${issue.path}`)).toEqual(["body /text"]);
    const query = await api.get("/notes", { query: { done: "maybe" as "yes" } });
    expect(query.status).toBe(422);
  });
});
