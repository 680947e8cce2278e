import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import { compileErrors, validate } from "@readme/openapi-parser";
import { startDemo } from "./support/demo";

type StartedDemo = Awaited<ReturnType<typeof startDemo>>;

describe("demo API", () => {
  let demo: StartedDemo;
  let client: TestClient;
  beforeAll(async () => {
    demo = await startDemo();
    client = new TestClient(demo.app);
  });
  afterAll(() => demo.cleanup());

  test("GET / says hello", async () => {
    const res = await client.get("/").execute();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Hello from Harpia");
  });

  test("a param route", async () => {
    expect(await (await client.get("/hello/Ada").execute()).json()).toEqual({ message: "Hello, Ada!" });
  });

  test("the books route class: create, read, update, delete", async () => {
    const created = await client
      .post("/api/books")
      .json({ title: "Dune", author: "Frank Herbert" })
      .execute();
    expect(created.status).toBe(201);
    const book = await created.json();
    // The schema trimmed the fields before the handler saw them.
    expect(
      (await (await client.post("/api/books").json({ title: " Emma ", author: " Austen" }).execute()).json())
        .title,
    ).toBe("Emma");
    expect(created.headers.get("location")).toBe(`/api/books/${book.id}`);
    expect(await (await client.get(`/api/books/${book.id}`).execute()).json()).toEqual(book);
    const updated = await client
      .put(`/api/books/${book.id}`)
      .json({ title: "Dune Messiah", author: "Frank Herbert" })
      .execute();
    expect((await updated.json()).title).toBe("Dune Messiah");
    const found = await client.get("/api/books").query("q", "messiah").execute();
    expect(found.status).toBe(200);
    expect((await found.json()).books).toEqual([{ ...book, title: "Dune Messiah" }]);
    expect((await client.delete(`/api/books/${book.id}`).execute()).status).toBe(204);
    expect((await client.get(`/api/books/${book.id}`).execute()).status).toBe(404);
  });

  test("ids keep growing after a delete (never reused)", async () => {
    const first = await (await client.post("/api/books").json({ title: "A", author: "B" }).execute()).json();
    await client.delete(`/api/books/${first.id}`).execute();
    const second = await (await client.post("/api/books").json({ title: "C", author: "D" }).execute()).json();
    expect(second.id).toBeGreaterThan(first.id);
    await client.delete(`/api/books/${second.id}`).execute();
  });

  test("bad input gets a 422 problem document listing every problem (the route's zod schemas), wrong types 415", async () => {
    const res = await client.post("/api/books").json({ title: "  " }).execute();
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toStartWith("application/problem+json");
    const problem = await res.json();
    expect(problem).toMatchObject({ status: 422, code: "VALIDATION_FAILED" });
    expect(problem.errors).toEqual([
      { in: "body", path: "/title", message: "title is required" },
      { in: "body", path: "/author", message: expect.any(String) },
    ]);
    const zero = await client.get("/api/books/0").execute();
    expect(zero.status).toBe(422);
    expect((await zero.json()).errors[0]).toMatchObject({ in: "params", path: "/id" });
    const long = await client.get("/api/books").query("q", "x".repeat(201)).execute();
    expect((await long.json()).errors[0]).toMatchObject({ in: "query", path: "/q" });
    expect((await client.put("/api/books/1").send("title=x").execute()).status).toBe(415);
    // The preset refuses urlencoded bodies outside the HTML forms' paths (a CSRF precaution).
    const form = await client
      .post("/api/books")
      .send(new URLSearchParams({ title: "x", author: "y" }))
      .execute();
    expect(form.status).toBe(415);
  });

  test("a non-numeric id does not match the route; unknown paths are JSON 404s for API clients", async () => {
    const res = await client.get("/api/books/abc").execute();
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe("NOT_FOUND");
  });

  test("/api/me is null without a session and sets no cookie; /api/health answers", async () => {
    const me = await client.get("/api/me").execute();
    expect(await me.json()).toEqual({ user: null, worker: null });
    expect(me.headers.get("set-cookie")).toBeNull();
    const health = await client.get("/api/health").execute();
    expect(await health.json()).toMatchObject({ status: "ok", store: "memory" });
  });

  test("every response has a request id (@harpia/request-id): a valid incoming one is kept", async () => {
    const made = await client.get("/api/books").execute();
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // a UUIDv7
    const kept = await client.get("/no/such/thing").set("x-request-id", "edge-7f3a").execute();
    expect(kept.status).toBe(404);
    expect(kept.headers.get("x-request-id")).toBe("edge-7f3a");
    const replaced = await client.get("/").set("x-request-id", "<script>").execute();
    expect(replaced.headers.get("x-request-id")).not.toBe("<script>");
  });

  test("the preset's health probes answer (@harpia/health)", async () => {
    expect(await (await client.get("/healthz").execute()).json()).toEqual({ status: "ok" });
    expect(await (await client.get("/readyz").execute()).json()).toEqual({ status: "ok" });
  });

  test("API responses are never cached and carry the security headers", async () => {
    const res = await client.get("/api/books").execute();
    expect(res.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

describe("bun run demo", () => {
  const proc = Bun.spawn(["bun", "run", "start"], {
    cwd: `${import.meta.dir}/..`,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ACCESS_LOG: "off" },
    stdout: "pipe",
    stderr: "inherit",
  });
  afterAll(() => proc.kill());

  test("starts with one line and answers on the announced port", async () => {
    const reader = proc.stdout.getReader();
    let output = "";
    while (!output.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    expect(output).toMatch(/^Harpia demo listening on http:\/\/127\.0\.0\.1:\d+\/\n$/);
    const url = output.match(/listening on (\S+)/)?.[1];
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Hello from Harpia");
  });
});

describe("the books API's OpenAPI document (@harpia/openapi)", () => {
  let demo: StartedDemo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.cleanup());

  test("/openapi.json is a valid OpenAPI 3.1 document of the books API, built from its zod schemas", async () => {
    const res = await demo.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const document = await res.json();
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : compileErrors(result)).toEqual([]);
    expect(document.openapi).toStartWith("3.1");
    const books = Object.entries(document.paths as Record<string, Record<string, any>>).filter(([p]) =>
      p.startsWith("/api/books"),
    );
    const ids = books.flatMap(([, item]) => Object.values(item).map((op) => op.operationId)).sort();
    expect(ids).toEqual(["createBook", "deleteBook", "getBook", "listBooks", "updateBook"]);
    const create = document.paths["/api/books"].post;
    expect(create.tags).toEqual(["books"]);
    expect(create.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/BookFieldsInput",
    });
    expect(create.responses["201"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Book",
    });
    expect(create.responses["422"]).toEqual({ $ref: "#/components/responses/ValidationFailed" });
    const [id] = document.paths["/api/books/{id}"].get.parameters;
    expect(id).toMatchObject({ name: "id", in: "path", required: true, schema: { type: "integer" } });
    expect(document.components.schemas.Book.required).toEqual(["id", "title", "author"]);
  });
});
