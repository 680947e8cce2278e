import { describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia, { Router } from "./index";

describe("routes and verbs", () => {
  const app = harpia();
  for (const verb of ["get", "post", "put", "delete", "patch", "options", "head"] as const) {
    app[verb]("/verb", (req, res) => {
      res.header("x-verb", req.method).send(verb === "head" ? null : `via ${req.method}`);
    });
  }
  app.all("/any", (req) => `any ${req.method}`);
  const client = new TestClient(app);

  test.each(["get", "post", "put", "delete", "patch", "options"] as const)(
    "%s reaches its own handler",
    async (verb) => {
      const res = await client[verb]("/verb").execute();
      expect(res.status).toBe(200);
      expect(res.headers.get("x-verb")).toBe(verb.toUpperCase());
      expect(await res.text()).toBe(`via ${verb.toUpperCase()}`);
    },
  );

  test("an explicit HEAD route wins over GET", async () => {
    const res = await client.head("/verb").execute();
    expect(res.headers.get("x-verb")).toBe("HEAD");
  });

  test("all() takes every method", async () => {
    for (const verb of ["get", "post", "delete"] as const) {
      expect(await (await client[verb]("/any").execute()).text()).toBe(`any ${verb.toUpperCase()}`);
    }
  });
});

describe("params", () => {
  const app = harpia();
  app.get("/users/:id", (req) => ({ id: req.params.id }));
  app.get("/users/:id/books/:bookId", (req) => req.params);
  app.get("/books/:id?", (req) => ({ id: req.params.id ?? null }));
  app.get("/pets/:kind(dog|cat)", (req) => ({ kind: req.params.kind }));
  app.get("/files/*", (req) => ({ rest: req.params["*"] }));
  const client = new TestClient(app);

  test("are decoded once", async () => {
    expect(await (await client.get("/users/J%C3%BAlia%20M").execute()).json()).toEqual({ id: "Júlia M" });
    // %2525 decodes to %25, not to %
    expect(await (await client.get("/users/100%2525").execute()).json()).toEqual({ id: "100%25" });
  });

  test("a malformed escape is a 400, not a 500", async () => {
    const res = await client.get("/users/%E0%A4%A").execute();
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe("MALFORMED_URI");
  });

  test("several params", async () => {
    expect(await (await client.get("/users/1/books/2").execute()).json()).toEqual({ id: "1", bookId: "2" });
  });

  test("optional params", async () => {
    expect(await (await client.get("/books").execute()).json()).toEqual({ id: null });
    expect(await (await client.get("/books/9").execute()).json()).toEqual({ id: "9" });
  });

  test("constrained params", async () => {
    expect(await (await client.get("/pets/cat").execute()).json()).toEqual({ kind: "cat" });
    expect((await client.get("/pets/cow").execute()).status).toBe(404);
  });

  test("wildcards", async () => {
    expect(await (await client.get("/files/a/b.txt").execute()).json()).toEqual({ rest: "a/b.txt" });
  });

  test("a trailing slash matches the same route", async () => {
    expect(await (await client.get("/users/5/").execute()).json()).toEqual({ id: "5" });
  });
});

describe("Router", () => {
  test("the seed's router in another file, with and without a prefix", async () => {
    const books = Router();
    books.get("/books", (_req, res) => res.send("Books route"));
    const prefixed = Router("shelf");
    prefixed.get("/", (_req, res) => res.send("Shelf route"));
    const app = harpia();
    app.routes(books);
    app.routes(prefixed);
    const client = new TestClient(app);
    expect(await (await client.get("/books").execute()).text()).toBe("Books route");
    expect(await (await client.get("/shelf").execute()).text()).toBe("Shelf route");
  });

  test("routers nest, carry their middleware, and serve routes added after mounting", async () => {
    const api = Router("/api");
    const v1 = Router("v1/:tenant");
    api.use((_req, res, next) => {
      res.header("x-api", "yes");
      return next();
    });
    api.routes(v1);
    const app = harpia();
    app.routes(api);
    v1.get("/users/:id", (req) => ({ tenant: req.params.tenant, id: req.params.id }));
    app.get("/outside", () => "outside");
    const client = new TestClient(app);
    const res = await client.get("/api/v1/acme/users/7").execute();
    expect(await res.json()).toEqual({ tenant: "acme", id: "7" });
    expect(res.headers.get("x-api")).toBe("yes");
    expect((await client.get("/outside").execute()).headers.get("x-api")).toBeNull();
  });

  test("app.use(path, router) mounts under the path", async () => {
    const admin = Router();
    admin.get("/stats", () => "stats");
    const app = harpia();
    app.use("/admin", admin);
    expect(await (await new TestClient(app).get("/admin/stats").execute()).text()).toBe("stats");
  });

  test("route-level middleware runs before the handler", async () => {
    const books = Router();
    const order: string[] = [];
    books.get(
      "/books",
      (_req, _res, next) => {
        order.push("auth");
        return next();
      },
      () => {
        order.push("handler");
        return "ok";
      },
    );
    const app = harpia();
    app.routes(books);
    expect(await (await new TestClient(app).get("/books").execute()).text()).toBe("ok");
    expect(order).toEqual(["auth", "handler"]);
  });

  test("a router cannot be mounted inside itself", () => {
    const a = Router();
    const b = Router();
    a.routes(b);
    expect(() => b.routes(a)).toThrow("cannot be mounted inside itself");
  });
});

describe("registration errors surface at the call site", () => {
  test("bad patterns and missing handlers", () => {
    const app = harpia();
    expect(() => app.get("/a/*/b", () => "x")).toThrow("last segment");
    expect(() => app.get("/a")).toThrow("at least one handler");
    expect(() => app.get("/a", "nope" as never)).toThrow("not a function");
  });

  test("duplicate routes across routers are reported by compile()", () => {
    const app = harpia();
    const r = Router("x");
    r.get("/y", () => "1");
    app.get("/x/y", () => "2");
    app.routes(r);
    expect(() => app.compile()).toThrow("Route GET /x/y is already registered");
  });
});

describe("automatic answers", () => {
  const app = harpia();
  app.get("/users/:id", (_req, res) => res.json({ name: "Ada" }));
  app.delete("/users/:id", () => "deleted");
  const client = new TestClient(app);

  test("404 as JSON by default", async () => {
    const res = await client.get("/nowhere").execute();
    expect(res.status).toBe(404);
    // An RFC 9457 problem document; `message` repeats `detail` for earlier clients.
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      code: "NOT_FOUND",
      detail: "Cannot GET /nowhere",
      message: "Cannot GET /nowhere",
    });
  });

  test("404 as HTML when the client prefers HTML, with the path escaped", async () => {
    const res = await client
      .get("/<script>")
      .set("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
      .execute();
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("text/html;charset=utf-8");
    const html = await res.text();
    expect(html).toContain("404");
    expect(html).not.toContain("<script>");
  });

  test("405 with Allow when the path exists for other methods", async () => {
    const res = await client.put("/users/1").execute();
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, DELETE, HEAD, OPTIONS");
    expect((await res.json()).code).toBe("METHOD_NOT_ALLOWED");
  });

  test("OPTIONS is answered with Allow", async () => {
    const res = await client.options("/users/1").execute();
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("GET, DELETE, HEAD, OPTIONS");
  });

  test("HEAD is answered by GET handlers, without a body but with its length", async () => {
    const res = await client.head("/users/1").execute();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json;charset=utf-8");
    expect(res.headers.get("content-length")).toBe(String(JSON.stringify({ name: "Ada" }).length));
    expect(await res.text()).toBe("");
  });
});

describe("setNotFound", () => {
  test("the seed's custom not-found handler, with status 404", async () => {
    const app = harpia();
    app.setNotFound((_req, res) => {
      res.json({ status: 404, message: "Not Found" });
    });
    const res = await new TestClient(app).get("/missing").execute();
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ status: 404, message: "Not Found" });
  });

  test("limited to some methods; others get the default", async () => {
    const app = harpia();
    app.setNotFound((_req, res) => res.send("custom"), ["GET"]);
    const client = new TestClient(app);
    expect(await (await client.get("/x").execute()).text()).toBe("custom");
    const post = await client.post("/x").execute();
    expect(post.status).toBe(404);
    expect((await post.json()).code).toBe("NOT_FOUND");
  });
});
