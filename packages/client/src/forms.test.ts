/**
 * Bodies that are not JSON, end to end: a Harpia app with a form-only route, an upload route
 * (multipart only) and a route taking JSON or forms → `@harpia/openapi`'s document → the
 * generated `accepts` (test/support/zod-app.gen.ts) → the client encoding plain objects the way
 * each route takes them, over a socket and in process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerHandle } from "@harpia/core";
import { notesApp } from "../test/support/zod-app";
import { accepts, type Routes } from "../test/support/zod-app.gen";
import { createClient } from "./client";

const uploads = mkdtempSync(join(tmpdir(), "harpia-client-forms-"));
afterAll(() => rmSync(uploads, { recursive: true, force: true }));

const contact = {
  name: "Ada Lovelace & co",
  address: { city: "London", lines: ["12 St James's Square", "flat 2"] },
  tags: ["math"],
  items: [
    { sku: "a-1", qty: 2 },
    { sku: "b=2", qty: 10 },
  ],
  subscribe: "true" as const,
};

for (const mode of ["socket", "in process"] as const) {
  describe(`bodies by the route's media types, ${mode}`, () => {
    const app = notesApp(uploads);
    let server: ServerHandle | undefined;
    let api: ReturnType<typeof createClient<Routes>>;
    beforeAll(() => {
      if (mode === "socket") {
        server = app.listen({ port: 0, hostname: "127.0.0.1" });
        api = createClient<Routes>({ baseUrl: `http://127.0.0.1:${server.port}`, accepts });
      } else api = createClient<Routes>({ fetch: app.fetch, accepts });
    });
    afterAll(async () => {
      await server?.stop();
    });

    test("a form-only route gets a plain object as form fields, read back with the same nesting", async () => {
      const res = await api.post("/contact", { body: contact });
      expect(res.status).toBe(200);
      // Form values arrive as strings; the schema coerces qty back to a number.
      expect(res.data).toEqual({ received: contact });
      // Without the accepts map the same call is JSON, which the route refuses.
      const plain = createClient<Routes>(
        mode === "socket" ? { baseUrl: `http://127.0.0.1:${server!.port}` } : { fetch: app.fetch },
      );
      expect((await plain.post("/contact", { body: contact })).status).toBe(415);
    });

    test("an upload route gets a plain object holding a File as multipart: the file is saved", async () => {
      const file = new File(["hello attachment"], "notes.txt", { type: "text/plain" });
      const res = await api.post("/notes/:id/attachment", {
        params: { id: 1 },
        body: { caption: "first draft", file },
      });
      expect(res.status).toBe(200);
      const data = res.data as {
        caption: string;
        files: { field: string; path: string; originalName: string }[];
      };
      expect(data.caption).toBe("first draft");
      expect(data.files).toHaveLength(1);
      expect(data.files[0]).toMatchObject({ field: "file", originalName: "notes.txt" });
      expect(await Bun.file(data.files[0]!.path).text()).toBe("hello attachment");
    });

    test("a JSON route is unchanged, and a route taking JSON or forms gets JSON", async () => {
      const created = await api.post("/notes", { body: { text: "still JSON" } });
      expect(created.status).toBe(201);
      expect(created.response.headers.get("content-type")).toContain("application/json");
      const feedback = await api.post("/feedback", { body: { text: "both" } });
      expect(feedback.data).toEqual({ text: "both", type: "application/json" });
    });

    test("raw bodies still go as they are", async () => {
      const res = await api.post("/feedback", { body: new URLSearchParams({ text: "raw form" }) });
      expect(res.data).toEqual({ text: "raw form", type: "application/x-www-form-urlencoded;charset=UTF-8" });
    });
  });
}
