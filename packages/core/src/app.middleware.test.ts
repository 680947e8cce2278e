import { describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import harpia, { definePlugin, HttpError, type Middleware, Router } from "./index";

describe("middleware order", () => {
  test("onion: code after await next() runs after the handler", async () => {
    const app = harpia();
    const trace: string[] = [];
    app.use(async (_req, _res, next) => {
      trace.push("a:in");
      await next();
      trace.push("a:out");
    });
    app.use(async (_req, _res, next) => {
      trace.push("b:in");
      await next();
      trace.push("b:out");
    });
    app.get("/", async () => {
      await Bun.sleep(5);
      trace.push("handler");
      return "done";
    });
    expect(await (await new TestClient(app).get("/").execute()).text()).toBe("done");
    expect(trace).toEqual(["a:in", "b:in", "handler", "b:out", "a:out"]);
  });

  test("the seed's sync middleware calling next() without awaiting still waits for the handler", async () => {
    const app = harpia();
    app.use((_req, _res, next) => {
      next();
    });
    app.get("/", async (_req, res) => {
      await Bun.sleep(5);
      res.status(201).send("late");
    });
    const res = await new TestClient(app).get("/").execute();
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("late");
  });

  test("a sync middleware returning next() still waits for an async handler", async () => {
    const app = harpia();
    const trace: string[] = [];
    app.use((_req, _res, next) => {
      trace.push("mw");
      return next();
    });
    app.get("/", async (_req, res) => {
      await Bun.sleep(5);
      trace.push("handler");
      res.status(202).send("done");
    });
    const res = await new TestClient(app).get("/").execute();
    expect(res.status).toBe(202);
    expect(trace).toEqual(["mw", "handler"]);
  });

  test("an async middleware between awaiting ones may leave next() unawaited: all wait", async () => {
    const app = harpia();
    const trace: string[] = [];
    app.use(async (_req, res, next) => {
      await next();
      trace.push(`outer:${res.statusCode}`);
    });
    app.use(async (_req, _res, next) => {
      next();
      await Bun.sleep(1);
      trace.push("middle:returned");
    });
    app.use(async (_req, _res, next) => {
      await next();
      trace.push("inner:out");
    });
    app.get("/", async (_req, res) => {
      await Bun.sleep(10);
      trace.push("handler");
      res.status(203).send("slow");
    });
    const res = await new TestClient(app).get("/").execute();
    expect(res.status).toBe(203);
    expect(await res.text()).toBe("slow");
    expect(trace).toEqual(["middle:returned", "handler", "inner:out", "outer:203"]);
  });

  test("a middleware that answers without next() ends the chain", async () => {
    const app = harpia();
    let reached = false;
    app.use((req, res, next) => {
      if (req.header("authorization") !== "abc123") return res.status(401).json({ message: "Unauthorized" });
      return next();
    });
    app.get("/hello", () => {
      reached = true;
      return "hi";
    });
    const client = new TestClient(app);
    const denied = await client.get("/hello").execute();
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "Unauthorized" });
    expect(reached).toBe(false);
    expect((await client.get("/hello").set("authorization", "abc123").execute()).status).toBe(200);
  });

  test("a handler that sends nothing answers 200 with an empty body, never hangs", async () => {
    const app = harpia();
    app.get("/books", () => {});
    const res = await new TestClient(app).get("/books").execute();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  test("global middleware registered after a route still applies to it", async () => {
    const app = harpia();
    app.get("/", () => "x");
    app.use((_req, res, next) => {
      res.header("x-late", "1");
      return next();
    });
    expect((await new TestClient(app).get("/").execute()).headers.get("x-late")).toBe("1");
  });

  test("calling next() twice runs the rest of the chain once", async () => {
    const app = harpia();
    let runs = 0;
    app.use(async (_req, _res, next) => {
      await next();
      await next();
    });
    app.get("/", () => {
      runs++;
      return "ok";
    });
    await new TestClient(app).get("/").execute();
    expect(runs).toBe(1);
  });
});

describe("path-scoped middleware", () => {
  const app = harpia();
  const hits: string[] = [];
  app.use("/panel", (req, _res, next) => {
    hits.push(req.path);
    return next();
  });
  app.get("/panel", () => "panel");
  app.get("/panel/users", () => "users");
  app.get("/panelx", () => "panelx");
  app.get("/:section/settings", (req) => req.params.section);
  const client = new TestClient(app);

  test("matches whole segments only", async () => {
    hits.length = 0;
    await client.get("/panel").execute();
    await client.get("/panel/users").execute();
    await client.get("/panelx").execute();
    expect(hits).toEqual(["/panel", "/panel/users"]);
  });

  test("is decided per request for routes whose params may or may not fall in the scope", async () => {
    hits.length = 0;
    await client.get("/panel/settings").execute();
    await client.get("/other/settings").execute();
    expect(hits).toEqual(["/panel/settings"]);
  });

  test("also runs for unmatched paths inside its scope (404s)", async () => {
    hits.length = 0;
    expect((await client.get("/panel/missing/deep").execute()).status).toBe(404);
    expect((await client.get("/elsewhere").execute()).status).toBe(404);
    expect(hits).toEqual(["/panel/missing/deep"]);
  });
});

describe("errors", () => {
  test("anything thrown or rejected anywhere reaches the error handler", async () => {
    const app = harpia({ logErrors: false });
    const seen: string[] = [];
    app.setErrorHandler((err, _req, res) => {
      seen.push((err as Error).message);
      res.json({ caught: (err as Error).message });
    });
    app.use("/mw", () => {
      throw new Error("from middleware");
    });
    app.get("/mw/x", () => "unreachable");
    app.get("/sync", () => {
      throw new Error("sync");
    });
    app.get("/async", async () => {
      await Bun.sleep(1);
      throw new Error("async");
    });
    app.get("/next", (_req, _res, next) => next(new Error("next(err)")));
    app.get("/reject", () => Promise.reject(new Error("rejected")));
    const client = new TestClient(app);
    for (const path of ["/mw/x", "/sync", "/async", "/next", "/reject"]) {
      const res = await client.get(path).execute();
      expect(res.status).toBe(500);
    }
    expect(seen).toEqual(["from middleware", "sync", "async", "next(err)", "rejected"]);
  });

  test("HttpError status, code and message reach the client; headers too", async () => {
    const app = harpia();
    app.get("/teapot", () => {
      throw new HttpError(418, "I'm a teapot", {
        code: "TEAPOT",
        headers: { "x-why": "tea" },
        details: { brew: "green" },
      });
    });
    const res = await new TestClient(app).get("/teapot").execute();
    expect(res.status).toBe(418);
    expect(res.headers.get("x-why")).toBe("tea");
    expect(await res.json()).toEqual({
      type: "about:blank",
      title: "Error",
      status: 418,
      code: "TEAPOT",
      detail: "I'm a teapot",
      message: "I'm a teapot",
      details: { brew: "green" },
    });
  });

  test("5xx details are hidden unless development, where the stack is shown", async () => {
    const make = (development: boolean) => {
      const app = harpia({ development, logErrors: false });
      app.get("/", () => {
        throw new Error("database password is hunter2");
      });
      return new TestClient(app);
    };
    const prod = await (await make(false).get("/").execute()).json();
    expect(prod).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      code: "INTERNAL_ERROR",
      detail: "Internal Server Error",
      message: "Internal Server Error",
    });
    const dev = await (await make(true).get("/").execute()).json();
    expect(dev.message).toBe("database password is hunter2");
    expect(dev.stack.join("\n")).toContain("app.middleware.test.ts");
  });

  test("errors from other libraries keep their status", async () => {
    const app = harpia({ logErrors: false });
    app.get("/", () => {
      throw Object.assign(new Error("Redis is down"), { status: 503 });
    });
    const res = await new TestClient(app).get("/").execute();
    expect(res.status).toBe(503);
  });

  test("outer middleware observe the final status of an error", async () => {
    const app = harpia({ logErrors: false });
    let observed = 0;
    let error: unknown;
    app.use(async (_req, res, next) => {
      await next();
      observed = res.statusCode;
      error = res.error;
    });
    app.get("/", () => {
      throw new HttpError(409, "conflict");
    });
    await new TestClient(app).get("/").execute();
    expect(observed).toBe(409);
    expect((error as HttpError).message).toBe("conflict");
  });

  test("a throwing error handler falls back to the default answer; the process survives", async () => {
    const logged: unknown[] = [];
    const app = harpia({ logErrors: (e) => logged.push(e) });
    app.setErrorHandler(() => {
      throw new Error("handler broke");
    });
    app.get("/", () => {
      throw new HttpError(400, "bad input");
    });
    const res = await new TestClient(app).get("/").execute();
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("bad input");
    expect(logged.map((e) => (e as Error).message)).toEqual(["handler broke"]);
  });

  test("a custom error handler keeps the error's headers (Allow on a 405)", async () => {
    const app = harpia();
    app.setErrorHandler((err, _req, res) => {
      res.json({ custom: (err as Error).message });
    });
    app.get("/only-get", () => "x");
    const res = await new TestClient(app).post("/only-get").execute();
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect((await res.json()).custom).toContain("not allowed");
  });

  test("the error handler's status defaults to the error's", async () => {
    const app = harpia();
    app.setErrorHandler((err, _req, res) => {
      res.send(`oops: ${(err as Error).message}`);
    });
    app.get("/", () => {
      throw new HttpError(422, "invalid");
    });
    const res = await new TestClient(app).get("/").execute();
    expect(res.status).toBe(422);
    expect(await res.text()).toBe("oops: invalid");
  });
});

describe("handler return values", () => {
  const app = harpia();
  app.get("/response", () => new Response("raw", { status: 202, headers: { "x-raw": "1" } }));
  app.get("/file", () => Bun.file(import.meta.path));
  app.get("/object", () => ({ ok: true }));
  app.get("/string", () => "text");
  app.use((_req, res, next) => {
    res.header("x-mw", "1");
    return next();
  });
  const client = new TestClient(app);

  test("a Response is sent as is, with headers set by middleware merged in", async () => {
    const res = await client.get("/response").execute();
    expect(res.status).toBe(202);
    expect(res.headers.get("x-raw")).toBe("1");
    expect(res.headers.get("x-mw")).toBe("1");
    expect(await res.text()).toBe("raw");
  });

  test("Bun.file, objects and strings", async () => {
    expect(await (await client.get("/file").execute()).text()).toContain("handler return values");
    expect(await (await client.get("/object").execute()).json()).toEqual({ ok: true });
    expect(await (await client.get("/string").execute()).text()).toBe("text");
  });
});

describe("hooks and plugins", () => {
  test("onSend runs for routes, 404, 405, OPTIONS and errors whatever the middleware order", async () => {
    const app = harpia({ logErrors: false });
    // Registered before the hook and ending some requests itself: the hook must still run.
    app.use((req, res, next) => {
      if (req.path === "/stop") return res.status(403).send("stopped early");
      return next();
    });
    app.addHook("onSend", (_req, res) => {
      res.headers.set("x-always", "yes");
    });
    app.get("/ok", () => "ok");
    app.get("/boom", () => {
      throw new Error("x");
    });
    const client = new TestClient(app);
    for (const [method, path] of [
      ["get", "/ok"],
      ["get", "/missing"],
      ["post", "/ok"],
      ["options", "/ok"],
      ["get", "/boom"],
      ["get", "/stop"],
    ] as const) {
      const res = await client[method](path).execute();
      expect(`${method} ${path} ${res.headers.get("x-always")}`).toBe(`${method} ${path} yes`);
    }
  });

  test("onRequest runs before routing and can answer", async () => {
    const app = harpia();
    let ready = false;
    app.addHook("onRequest", (_req, res) => {
      if (!ready) res.status(503).send("starting");
    });
    app.get("/", () => "up");
    const client = new TestClient(app);
    expect((await client.get("/").execute()).status).toBe(503);
    ready = true;
    expect(await (await client.get("/").execute()).text()).toBe("up");
  });

  test("onResponse sees the built response", async () => {
    const app = harpia();
    const statuses: number[] = [];
    app.addHook("onResponse", (_req, _res, response) => {
      statuses.push(response.status);
    });
    app.get("/", () => "x");
    await new TestClient(app).get("/").execute();
    await new TestClient(app).get("/nope").execute();
    expect(statuses).toEqual([200, 404]);
  });

  test("a plugin installs itself on app.use and still works as route middleware", async () => {
    const tag = (name: string): Middleware => {
      const mw: Middleware = (_req, res, next) => {
        res.header("x-route-tag", name);
        return next();
      };
      return definePlugin(
        {
          name: `tag-${name}`,
          setup(app) {
            app.addHook("onSend", (_req, res) => {
              res.headers.set("x-app-tag", name);
            });
          },
        },
        mw,
      );
    };
    const app = harpia();
    app.use(tag("global"));
    app.get("/r", tag("route"), () => "r");
    const router = Router();
    router.use(tag("router"));
    router.get("/in-router", () => "in");
    app.routes(router);
    const client = new TestClient(app);
    const missing = await client.get("/missing").execute();
    expect(missing.headers.get("x-app-tag")).toBe("global");
    const routed = await client.get("/r").execute();
    expect(routed.headers.get("x-route-tag")).toBe("route");
    expect((await client.get("/in-router").execute()).headers.get("x-route-tag")).toBe("router");
  });

  test("unknown hook names are rejected", () => {
    expect(() => harpia().addHook("onWhatever" as "onSend", () => {})).toThrow("Unknown hook");
  });
});
