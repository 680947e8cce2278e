import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { z } from "zod";
import harpia, { HttpError, type ServerHandle } from "../index";

const NewBook = z.object({
  title: z.string().min(1),
  pages: z.number().int().positive(),
  author: z.object({ name: z.string() }),
  tags: z.array(z.string()).default([]),
  year: z.number().optional(),
});

function makeApp() {
  const app = harpia();
  let reached = 0;
  app.post("/books", { schema: { body: NewBook } }, (req) => {
    reached++;
    return { ...req.body, proto: Object.getPrototypeOf(req.body) === Object.prototype };
  });
  app.get(
    "/books/:id",
    {
      schema: {
        params: z.object({ id: z.coerce.number().int() }),
        query: z.object({ page: z.coerce.number().default(1), tag: z.array(z.string()).optional() }),
      },
    },
    (req) => ({
      id: req.params.id,
      page: req.query.page,
      tag: req.query.tag,
      protoless: Object.getPrototypeOf(req.query) === null && Object.getPrototypeOf(req.params) === null,
    }),
  );
  app.get(
    "/me",
    {
      schema: {
        headers: v.object({ "x-api-key": v.pipe(v.string(), v.minLength(3)) }),
        cookies: v.object({
          sid: v.pipe(
            v.string(),
            v.transform((s) => s.toUpperCase()),
          ),
        }),
      },
    },
    (req) => ({ key: req.headers["x-api-key"], raw: req.headers.get("x-api-key"), sid: req.cookies.sid }),
  );
  return { app, reached: () => reached };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request("http://localhost/books", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("request validation (app.fetch)", () => {
  test("a valid body reaches the handler as the schema's output (defaults applied)", async () => {
    const { app } = makeApp();
    const res = await app.fetch(post({ title: "Dune", pages: 412, author: { name: "Herbert" }, extra: 1 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      title: "Dune",
      pages: 412,
      author: { name: "Herbert" },
      tags: [],
      proto: true,
    });
  });

  test("an invalid body is a 422 problem document listing every issue, and never reaches the handler", async () => {
    const { app, reached } = makeApp();
    const res = await app.fetch(post({ title: "", pages: -1, author: { name: 5 } }));
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await res.json();
    expect(problem).toMatchObject({
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      code: "VALIDATION_FAILED",
    });
    expect(problem.detail).toStartWith("Request validation failed");
    expect(problem.errors.map((e: { in: string; path: string }) => `${e.in} ${e.path}`)).toEqual([
      "body /title",
      "body /pages",
      "body /author/name",
    ]);
    for (const issue of problem.errors) expect(typeof issue.message).toBe("string");
    expect(reached()).toBe(0);
  });

  test("a body that is not an object, or no body at all, is a 422 at the root path", async () => {
    const { app } = makeApp();
    const res = await app.fetch(post([1, 2]));
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0]).toMatchObject({ in: "body", path: "" });
    const empty = await app.request("/books", { method: "POST" });
    expect(empty.status).toBe(422);
  });

  test("params and query are coerced; repeated query keys reach the schema as arrays", async () => {
    const { app } = makeApp();
    const res = await app.request("/books/42?tag=a&tag=b");
    expect(await res.json()).toEqual({ id: 42, page: 1, tag: ["a", "b"], protoless: true });
    const bad = await app.request("/books/x?page=y");
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { in: string; path: string }) => `${e.in} ${e.path}`)).toEqual([
      "params /id",
      "query /page",
    ]);
  });

  test("headers and cookies (valibot): declared headers read as properties, cookies as the output", async () => {
    const { app } = makeApp();
    const res = await app.request("/me", { headers: { "x-api-key": "secret", cookie: "sid=abc; other=1" } });
    expect(await res.json()).toEqual({ key: "secret", raw: "secret", sid: "ABC" });
    const bad = await app.request("/me", { headers: { "x-api-key": "no" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { in: string; path: string }) => `${e.in} ${e.path}`)).toEqual([
      "headers /x-api-key",
      "cookies /sid",
    ]);
  });

  test("HTML clients get the HTML error page; the app's error handler receives the HttpError with its issues", async () => {
    const { app } = makeApp();
    const html = await app.fetch(post({}, { accept: "text/html" }));
    expect(html.status).toBe(422);
    expect(html.headers.get("content-type")).toStartWith("text/html");
    let seen: unknown;
    app.setErrorHandler((error, _req, res) => {
      seen = error;
      res.json({ invalid: (error as HttpError).issues?.map((i) => i.path) });
    });
    const reshaped = await app.fetch(post({ title: "x", pages: 1 }));
    expect(reshaped.status).toBe(422);
    expect(await reshaped.json()).toEqual({ invalid: ["/author"] });
    expect(seen).toBeInstanceOf(HttpError);
    expect((seen as HttpError).code).toBe("VALIDATION_FAILED");
  });

  test("issues are bounded (100 at most) for huge invalid bodies", async () => {
    const app = harpia();
    app.post("/many", { schema: { body: z.array(z.number()) } }, () => "ok");
    const res = await app.fetch(
      new Request("http://localhost/many", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(Array.from({ length: 1000 }, () => "x")),
      }),
    );
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toHaveLength(100);
  });

  test("async schemas are awaited; router schemas apply to the routes beneath", async () => {
    const { Router } = await import("../index");
    const app = harpia();
    const api = Router("/api", { schema: { headers: z.object({ "x-tenant": z.string() }) } });
    const Slow = z.object({ name: z.string() }).refine(async (b) => b.name !== "taken", "name taken");
    api.post("/users", { schema: { body: Slow } }, (req) => ({ name: req.body.name }));
    app.routes(api);
    const send = (name: string, headers: Record<string, string> = { "x-tenant": "t1" }) =>
      app.fetch(
        new Request("http://localhost/api/users", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ name }),
        }),
      );
    expect(await (await send("ana")).json()).toEqual({ name: "ana" });
    const taken = await send("taken");
    expect(taken.status).toBe(422);
    expect((await taken.json()).errors).toEqual([{ in: "body", path: "", message: "name taken" }]);
    const noTenant = await send("ana", {});
    expect((await noTenant.json()).errors[0]).toMatchObject({ in: "headers", path: "/x-tenant" });
  });

  test("a route without schemas is left as it was (query strings, no validation)", async () => {
    const app = harpia();
    app.get("/plain", (req) => ({ q: req.query.q ?? null }));
    expect(await (await app.request("/plain?q=1&q=2")).json()).toEqual({ q: "1" });
  });
});

describe("response schemas", () => {
  const Book = z.object({ title: z.string(), pages: z.number() });
  const NotFound = z.object({ error: z.string() });
  function make(options: { development?: boolean; validateResponses?: boolean }) {
    const app = harpia({ ...options, logErrors: false });
    app.get("/books/:id", { schema: { response: { 200: Book, 404: NotFound } } }, (req, res) => {
      if (req.params.id === "good") return { title: "Dune", pages: 412 };
      if (req.params.id === "missing") return res.status(404).json({ error: "no such book" });
      if (req.params.id === "wrong404") return res.status(404).json({ error: 1 } as never);
      return { title: "Dune", pages: "many" } as never;
    });
    app.get("/one", { schema: { response: Book } }, (_req, res) =>
      res.status(201).json({ title: 1 } as never),
    );
    return app;
  }

  test("in development a mismatch is a 500 naming the route and the field", async () => {
    const app = make({ development: true });
    expect((await app.request("/books/good")).status).toBe(200);
    expect((await app.request("/books/missing")).status).toBe(404);
    const bad = await app.request("/books/bad");
    expect(bad.status).toBe(500);
    const problem = await bad.json();
    expect(problem.code).toBe("RESPONSE_VALIDATION_FAILED");
    expect(problem.detail).toContain("GET /books/:id");
    expect(problem.detail).toContain('"/pages"');
    expect(problem.errors).toEqual([expect.objectContaining({ in: "response", path: "/pages" })]);
    expect((await app.request("/books/wrong404")).status).toBe(500);
    expect((await app.request("/one")).status).toBe(500);
  });

  test("production skips the check unless validateResponses is set", async () => {
    expect((await make({}).request("/books/bad")).status).toBe(200);
    const strict = await make({ validateResponses: true }).request("/books/bad");
    expect(strict.status).toBe(500);
    const problem = await strict.json();
    expect(problem.code).toBe("RESPONSE_VALIDATION_FAILED");
    expect(problem.errors).toBeUndefined(); // details of a server fault stay hidden in production
  });
});

describe("over a real socket", () => {
  let handle: ServerHandle;
  let base: string;
  beforeAll(() => {
    const { app } = makeApp();
    handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${handle.port}`;
  });
  afterAll(() => handle.stop(true));

  test("valid and invalid requests, native routes included", async () => {
    const ok = await fetch(`${base}/books/7?page=3`);
    expect(await ok.json()).toEqual({ id: 7, page: 3, protoless: true });
    const bad = await fetch(`${base}/books`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "x" }),
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect((await bad.json()).errors.length).toBe(2);
    const me = await fetch(`${base}/me`, { headers: { "x-api-key": "secret", cookie: "sid=abc" } });
    expect(await me.json()).toEqual({ key: "secret", raw: "secret", sid: "ABC" });
  });
});
