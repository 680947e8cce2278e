import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia, { definePlugin, type HarpiaOptions, HttpError } from "@harpia/core";
import { TestClient } from "@harpia/test-client";
import { type RequestIdOptions, requestId, requestIdOf } from "../src/index";

/** A UUID of version 7 with the RFC 9562 variant. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds a UUIDv7 carries in its first 48 bits. */
const timestampOf = (uuid: string) => Number.parseInt(uuid.replace(/-/g, "").slice(0, 12), 16);

// Made at load time: apps are built while the describe blocks are collected.
const dir = mkdtempSync(path.join(tmpdir(), "request-id-"));
writeFileSync(path.join(dir, "app.js"), "console.log('hi')");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeApp(options?: RequestIdOptions, appOptions: HarpiaOptions = { logErrors: false }) {
  const app = harpia(appOptions);
  app.use(requestId(options));
  app.get("/id", (req) => ({ id: req.state.requestId }));
  app.get("/boom", () => {
    throw new Error("kaboom");
  });
  app.get("/teapot", () => {
    throw new HttpError(418, "short and stout");
  });
  app.static(dir, { prefix: "/static" });
  return app;
}

describe("an incoming id", () => {
  const client = new TestClient(makeApp());

  test("a valid one is kept on req.state and echoed", async () => {
    const id = "abc-123_DEF.456:tenant@edge/7+x=";
    const res = await client.get("/id").set("x-request-id", id);
    expect(await res.json()).toEqual({ id });
    expect(res.headers.get("x-request-id")).toBe(id);
  });

  test("one of exactly maxLength characters is kept", async () => {
    const id = "a".repeat(128);
    const res = await client.get("/id").set("x-request-id", id);
    expect(res.headers.get("x-request-id")).toBe(id);
  });

  const invalid: [string, string][] = [
    ["longer than 128 characters", "a".repeat(129)],
    ["empty", ""],
    ["with a space", "abc def"],
    ["with a tab", "abc\tdef"],
    ["two headers combined", "abc, def"],
    ["with a quote", 'abc"def'],
    ["with a semicolon", "abc;def"],
    ["with HTML", "<script>"],
    ["with a Latin-1 letter", "caf\u00e9"],
    ["with a percent escape", "a%0d%0ab"],
  ];
  for (const [what, id] of invalid) {
    test(`${what}: replaced by a generated one, never echoed`, async () => {
      const res = await client.get("/id").set("x-request-id", id);
      const { id: seen } = (await res.json()) as { id: string };
      expect(seen).toMatch(UUID_V7);
      expect(res.headers.get("x-request-id")).toBe(seen);
    });
  }

  test("repeated headers (combined with a comma) are replaced", async () => {
    const headers = new Headers();
    headers.append("x-request-id", "one");
    headers.append("x-request-id", "two");
    const res = await makeApp().fetch(new Request("http://localhost/id", { headers }));
    expect(res.headers.get("x-request-id")).toMatch(UUID_V7);
  });

  test("trustIncoming: false ignores it", async () => {
    const res = await new TestClient(makeApp({ trustIncoming: false })).get("/id").set("x-request-id", "abc");
    expect(res.headers.get("x-request-id")).toMatch(UUID_V7);
  });

  test("maxLength lowers the bound", async () => {
    const short = new TestClient(makeApp({ maxLength: 8 }));
    expect((await short.get("/id").set("x-request-id", "12345678")).headers.get("x-request-id")).toBe(
      "12345678",
    );
    expect((await short.get("/id").set("x-request-id", "123456789")).headers.get("x-request-id")).toMatch(
      UUID_V7,
    );
  });

  test("another header name, read and written", async () => {
    const res = await new TestClient(makeApp({ header: "X-Correlation-Id" }))
      .get("/id")
      .set("x-correlation-id", "corr-1")
      .set("x-request-id", "ignored");
    expect(await res.json()).toEqual({ id: "corr-1" });
    expect(res.headers.get("x-correlation-id")).toBe("corr-1");
    expect(res.headers.has("x-request-id")).toBe(false);
  });
});

describe("generated ids", () => {
  test("are UUIDv7: version 7, the current time, in the order requests came", async () => {
    const app = makeApp();
    const before = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await app.request("/id")).headers.get("x-request-id")!);
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(UUID_V7);
      expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
      expect(timestampOf(id)).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.toSorted()).toEqual(ids);
  });

  test("a custom generate gets the request and is used", async () => {
    let n = 0;
    const app = makeApp({ generate: (req) => `${req.method.toLowerCase()}-${++n}` });
    expect((await app.request("/id")).headers.get("x-request-id")).toBe("get-1");
    const res = await app.request("/id", { headers: { "x-request-id": "from-client" } });
    expect(res.headers.get("x-request-id")).toBe("from-client");
    expect(n).toBe(1);
  });

  test("a generate returning an invalid id is a 500 with a UUIDv7, and the TypeError is reported", async () => {
    const reported: unknown[] = [];
    const app = makeApp({ generate: () => "bad id\r\n" }, { logErrors: (error) => reported.push(error) });
    const res = await app.request("/id");
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toMatch(UUID_V7);
    expect(reported).toHaveLength(1);
    expect(String(reported[0])).toContain("requestId({ generate }) returned");
  });

  test("a generate that throws is a 500 with a UUIDv7", async () => {
    const app = makeApp({
      generate: () => {
        throw new Error("no ids today");
      },
    });
    const res = await app.request("/id");
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toMatch(UUID_V7);
  });
});

describe("every response carries the id", () => {
  const client = new TestClient(makeApp());
  const id = "trace-42";

  test("a 404", async () => {
    const res = await client.get("/nowhere").set("x-request-id", id);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe(id);
  });
  test("a 405", async () => {
    const res = await client.post("/id").set("x-request-id", id);
    expect(res.status).toBe(405);
    expect(res.headers.get("x-request-id")).toBe(id);
  });
  test("a thrown error (500) and an HttpError", async () => {
    const boom = await client.get("/boom").set("x-request-id", id);
    expect(boom.status).toBe(500);
    expect(boom.headers.get("x-request-id")).toBe(id);
    const teapot = await client.get("/teapot").set("accept", "text/html");
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get("x-request-id")).toMatch(UUID_V7);
  });
  test("a static file from app.static", async () => {
    const res = await client.get("/static/app.js").set("x-request-id", id);
    expect(await res.text()).toBe("console.log('hi')");
    expect(res.headers.get("x-request-id")).toBe(id);
  });
  test("the automatic OPTIONS answer and HEAD", async () => {
    const options = await client.options("/id").set("x-request-id", id);
    expect(options.status).toBe(204);
    expect(options.headers.get("x-request-id")).toBe(id);
    const head = await client.head("/id").set("x-request-id", id);
    expect(head.status).toBe(200);
    expect(head.headers.get("x-request-id")).toBe(id);
  });
  test("a CORS preflight", async () => {
    const app = makeApp();
    app.cors({ origin: "*" });
    const res = await new TestClient(app)
      .options("/id")
      .set("origin", "https://example.com")
      .set("access-control-request-method", "PUT")
      .set("x-request-id", id);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("x-request-id")).toBe(id);
  });
  test("a request an earlier onRequest hook answered", async () => {
    const app = harpia();
    app.addHook("onRequest", (_req, res) => {
      res.status(503).send("maintenance");
    });
    app.use(requestId());
    app.get("/", () => "never");
    const res = await app.request("/");
    expect(res.status).toBe(503);
    expect(res.headers.get("x-request-id")).toMatch(UUID_V7);
  });
  test("the id a route sets itself is replaced by the request's", async () => {
    const app = makeApp();
    app.get("/own", (_req, res) => res.header("x-request-id", "mine").send("ok"));
    const res = await app.request("/own", { headers: { "x-request-id": id } });
    expect(res.headers.get("x-request-id")).toBe(id);
  });
  test("a Response returned whole gets the id, unless it carries one (a proxied answer)", async () => {
    const app = makeApp();
    app.get("/whole", () => new Response("whole"));
    app.get("/proxied", () => new Response("upstream", { headers: { "x-request-id": "upstream-9" } }));
    const whole = await app.request("/whole", { headers: { "x-request-id": id } });
    expect(whole.headers.get("x-request-id")).toBe(id);
    const proxied = await app.request("/proxied", { headers: { "x-request-id": id } });
    expect(proxied.headers.get("x-request-id")).toBe("upstream-9");
  });
});

describe("req.state.requestId", () => {
  test("is set before routing: hooks, middleware and the not-found handler see it", async () => {
    const seen: Record<string, string> = {};
    const app = harpia();
    app.use(requestId());
    app.addHook("onRequest", (req) => {
      seen.onRequest = req.state.requestId;
    });
    app.use((req, _res, next) => {
      seen.middleware = req.state.requestId;
      return next();
    });
    app.setNotFound((req, res) => {
      seen.notFound = req.state.requestId;
      res.json({ missing: true });
    });
    await app.request("/missing", { headers: { "x-request-id": "r-1" } });
    expect(seen).toEqual({ onRequest: "r-1", middleware: "r-1", notFound: "r-1" });
  });

  test("is the same for the error handler, which can put it in the body", async () => {
    const app = makeApp();
    app.setErrorHandler((_error, req, res) => {
      res.json({ message: "Something went wrong", requestId: req.state.requestId });
    });
    const res = await app.request("/boom", { headers: { "x-request-id": "err-7" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: "Something went wrong", requestId: "err-7" });
    expect(res.headers.get("x-request-id")).toBe("err-7");
  });

  test("requestIdOf reads it, and is undefined without the plugin", async () => {
    const withIt = makeApp();
    withIt.get("/of", (req) => ({ of: requestIdOf(req) ?? null }));
    expect(await (await withIt.request("/of", { headers: { "x-request-id": "k" } })).json()).toEqual({
      of: "k",
    });
    const without = harpia();
    without.get("/of", (req) => ({ of: requestIdOf(req) ?? null }));
    expect(await (await without.request("/of")).json()).toEqual({ of: null });
  });

  test("each request gets its own", async () => {
    const app = makeApp();
    const [a, b] = await Promise.all([app.request("/id"), app.request("/id")]);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});

describe("options and installation", () => {
  const cases: [string, unknown, string][] = [
    ["not an object", "x-request-id", "requestId() takes an options object"],
    ["an unknown option", { headerName: "x-id" }, 'unknown option "headerName"'],
    ["a header that is not a name", { header: "x id" }, "requestId({ header })"],
    ["an empty header", { header: "" }, "requestId({ header })"],
    ["trustIncoming not boolean", { trustIncoming: "yes" }, "requestId({ trustIncoming })"],
    ["maxLength zero", { maxLength: 0 }, "requestId({ maxLength })"],
    ["maxLength fractional", { maxLength: 1.5 }, "requestId({ maxLength })"],
    ["maxLength above 1024", { maxLength: 1025 }, "requestId({ maxLength })"],
    ["maxLength NaN", { maxLength: Number.NaN }, "requestId({ maxLength })"],
    ["generate not a function", { generate: "uuid" }, "requestId({ generate })"],
  ];
  for (const [what, options, message] of cases) {
    test(`${what}: TypeError naming it`, () => {
      expect(() => requestId(options as RequestIdOptions)).toThrow(TypeError);
      expect(() => requestId(options as RequestIdOptions)).toThrow(message);
    });
  }

  test("the same plugin twice is one install; a second request-id plugin is refused", async () => {
    const app = harpia();
    const plugin = requestId();
    app.use(plugin);
    app.use(plugin);
    expect(app.hasPlugin("@harpia/request-id")).toBe(true);
    expect(() => app.use(requestId({ header: "x-other-id" }))).toThrow("already installed");
    // The refused plugin left nothing behind.
    const res = await app.request("/");
    expect(res.headers.get("x-request-id")).toMatch(UUID_V7);
    expect(res.headers.has("x-other-id")).toBe(false);
  });

  test("other plugins can depend on it", () => {
    const app = harpia();
    const tracer = definePlugin({ name: "tracer", dependencies: ["@harpia/request-id"], setup() {} });
    expect(() => app.use(tracer)).toThrow('needs "@harpia/request-id"');
    app.use(requestId());
    expect(() => app.use(tracer)).not.toThrow();
  });
});
