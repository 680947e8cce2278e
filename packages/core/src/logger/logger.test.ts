import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TestClient } from "@harpia/test-client";
import pino from "pino";
import { compiledOf } from "../app";
import harpia, { HttpError, type LogEntry, logger, Router, type ServerHandle } from "../index";

const STATIC = path.join(import.meta.dir, "../../fixtures/static/public");

function appWith(options: Parameters<typeof logger>[0]) {
  const lines: string[] = [];
  const app = harpia({ logErrors: false });
  app.use(logger({ ...options, write: (line) => lines.push(line) }));
  app.get("/books", () => "ok");
  app.get("/fail", () => {
    throw new HttpError(418, "teapot");
  });
  app.get("/health", () => "up");
  return { app, lines, client: new TestClient(app) };
}

/** Waits for `onResponse` hooks, which run after the response is handed back. */
const settled = () => Bun.sleep(1);

describe("logger: text formats", () => {
  test("dev format: method, path, final status and duration", async () => {
    const { client, lines } = appWith({ colors: false });
    await client.get("/books").execute();
    await client.get("/fail").execute();
    await client.get("/nowhere").execute();
    await settled();
    expect(lines[0]).toMatch(/^GET \/books 200 \d+\.\dms$/);
    expect(lines[1]).toMatch(/^GET \/fail 418 \d+\.\dms$/);
    expect(lines[2]).toMatch(/^GET \/nowhere 404 /);
  });

  test("colours the status on a TTY", async () => {
    const { client, lines } = appWith({ colors: true });
    await client.get("/fail").execute();
    await settled();
    expect(lines[0]).toContain("\x1b[33m418\x1b[0m");
  });

  test("combined format is the Apache access-log line", async () => {
    const { client, lines } = appWith({ format: "combined" });
    await client
      .get("/books?x=1")
      .ip("192.0.2.7")
      .set("referer", "https://ref.example/")
      .set("user-agent", 'curl/8 "q"')
      .execute();
    await settled();
    expect(lines[0]).toMatch(
      /^192\.0\.2\.7 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/books\?x=1 HTTP\/1\.1" 200 2 "https:\/\/ref\.example\/" "curl\/8 \\"q\\""$/,
    );
  });

  test("skips chosen paths", async () => {
    const { client, lines } = appWith({ skip: ["/health"], colors: false });
    await client.get("/health").execute();
    await client.get("/books").execute();
    await settled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith("GET /books 200");
  });
});

describe("logger as a plugin", () => {
  test("sees every answer whatever the middleware order: an early answer, an onRequest answer, static files, 405", async () => {
    const lines: string[] = [];
    const app = harpia({ logErrors: false });
    app.addHook("onRequest", (req, res) => {
      if (req.path === "/maintenance") res.status(503).send("later");
    });
    // Registered before the logger and answering without next(): middleware after it never runs.
    app.use((req, res, next) => (req.path === "/admin" ? res.status(401).send("no") : next()));
    app.use(logger({ colors: false, write: (line) => lines.push(line) }));
    app.get("/", () => "home");
    app.static(STATIC);
    for (const [method, target] of [
      ["GET", "/admin"],
      ["GET", "/maintenance"],
      ["GET", "/hello.txt"],
      ["POST", "/"],
    ] as const)
      await app.request(target, { method });
    await settled();
    expect(lines.map((line) => line.replace(/ [\d.]+ms$/, ""))).toEqual([
      "GET /admin 401",
      "GET /maintenance 503",
      "GET /hello.txt 200",
      "POST / 405",
    ]);
  });

  test("on one route or router it is middleware around that chain only", async () => {
    const lines: string[] = [];
    const log = logger({ colors: false, write: (line) => lines.push(line) });
    const app = harpia();
    app.get("/logged", log, () => "yes");
    app.get("/quiet", () => "no");
    const api = Router("api");
    api.use(log);
    api.get("/items", () => []);
    app.routes(api);
    await app.request("/logged");
    await app.request("/quiet");
    await app.request("/api/items");
    await settled();
    expect(lines.map((line) => line.replace(/ [\d.]+ms$/, ""))).toEqual([
      "GET /logged 200",
      "GET /api/items 200",
    ]);
  });

  test("times from the request's arrival with onResponse alone: Bun's native routes stay native", async () => {
    const app = harpia();
    app.use(logger({ write: () => {} }));
    app.get("/users/:id", () => "user");
    const compiled = compiledOf(app);
    expect(compiled.hooks.onRequest).toHaveLength(0);
    expect(compiled.timed).toBe(true);
    expect([...compiled.native.keys()]).toContain("/users/:id");
  });
});

describe("logger: JSON lines", () => {
  function jsonApp(options: Parameters<typeof logger>[0] = {}, app = harpia({ logErrors: false })) {
    const entries: LogEntry[] = [];
    app.use(logger({ format: "json", sink: (entry) => void entries.push(entry), ...options }));
    app.get("/users/:id", async () => {
      await Bun.sleep(20);
      return "héllo";
    });
    app.get("/json", () => ({ a: [1, 2, 3] }));
    app.get("/boom", () => {
      throw new Error("database down");
    });
    app.get("/teapot", () => {
      throw new HttpError(418, "short and stout", { code: "TEAPOT" });
    });
    return { app, entries, client: new TestClient(app) };
  }

  test("one object per request: time, level, method, path, route, status, duration, bytes, ip", async () => {
    const { client, entries } = jsonApp();
    const before = Date.now();
    await client.get("/users/42?x=1").ip("203.0.113.9").execute();
    await client.get("/json").execute();
    await client.get("/missing").execute();
    await settled();
    const [user, json, missing] = entries;
    expect(user).toMatchObject({
      level: "info",
      msg: "GET /users/42 200",
      method: "GET",
      path: "/users/42",
      route: "/users/:id",
      status: 200,
      bytes: 6,
      ip: "203.0.113.9",
    });
    expect(Date.parse(user!.time!)).toBeGreaterThanOrEqual(before - 1);
    expect(user!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(user!.duration).toBeGreaterThanOrEqual(19);
    expect(user!.duration).toBeLessThan(1_000);
    expect(json).toMatchObject({
      status: 200,
      bytes: JSON.stringify({ a: [1, 2, 3] }).length,
      route: "/json",
    });
    expect(missing).toMatchObject({
      level: "warn",
      status: 404,
      error: { name: "HttpError", code: "NOT_FOUND" },
    });
    expect(missing!.route).toBeUndefined();
    expect("route" in missing!).toBe(false);
  });

  test("errors: 5xx at level error with name, message and code; the stack only in development", async () => {
    const { client, entries } = jsonApp();
    await client.get("/boom").execute();
    await client.get("/teapot").execute();
    await settled();
    expect(entries[0]).toMatchObject({
      level: "error",
      status: 500,
      error: { name: "Error", message: "database down" },
    });
    expect(entries[0]!.error!.stack).toBeUndefined();
    expect(entries[1]).toMatchObject({
      level: "warn",
      status: 418,
      error: { name: "HttpError", message: "short and stout", code: "TEAPOT" },
    });

    const dev = jsonApp({}, harpia({ logErrors: false, development: true }));
    await dev.client.get("/boom").execute();
    await settled();
    expect(dev.entries[0]!.error!.stack).toContain("database down");
  });

  test("fields(req, res) adds to every line, e.g. a request id", async () => {
    const { client, entries } = jsonApp({
      fields: (req, res) => ({
        requestId: req.header("x-request-id") ?? undefined,
        cached: res?.hasHeader("etag"),
      }),
    });
    await client.get("/json").set("x-request-id", "lb-7").execute();
    await settled();
    expect(entries[0]).toMatchObject({ requestId: "lb-7", cached: false });
  });

  test("without a sink, one JSON line per request on write (stdout by default)", async () => {
    const lines: string[] = [];
    const app = harpia();
    app.use(logger({ format: "json", write: (line) => lines.push(line) }));
    app.get("/", () => "ok");
    await app.request("/");
    await settled();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "info",
      method: "GET",
      route: "/",
      status: 200,
      bytes: 2,
    });
  });

  test("the app's unexpected errors go to the same sink, with their stack", async () => {
    const { client, entries } = jsonApp({}, harpia());
    await client.get("/boom").execute();
    await settled();
    const reported = entries.find((entry) => entry.msg === "GET /boom failed");
    expect(reported).toMatchObject({ level: "error", method: "GET", path: "/boom", route: "/boom" });
    expect(reported!.error).toMatchObject({ name: "Error", message: "database down" });
    expect(reported!.error!.stack).toContain("database down");
    expect(entries.filter((entry) => entry.status === 500)).toHaveLength(1); // and the request's own line
  });

  test("an explicit harpia({ logErrors }) stays in charge of reported errors", async () => {
    const silent = jsonApp({}, harpia({ logErrors: false }));
    await silent.client.get("/boom").execute();
    await settled();
    expect(silent.entries.map((entry) => entry.msg)).toEqual(["GET /boom 500"]);

    const reported: unknown[] = [];
    const own = jsonApp({}, harpia({ logErrors: (error) => reported.push(error) }));
    await own.client.get("/boom").execute();
    await settled();
    expect(own.entries.map((entry) => entry.msg)).toEqual(["GET /boom 500"]);
    expect(reported).toHaveLength(1);
  });

  test("a sink that throws never breaks a response, not even while reporting an error", async () => {
    const printed: unknown[][] = [];
    const spy = spyOn(console, "error").mockImplementation((...args: unknown[]) => void printed.push(args));
    try {
      const app = harpia(); // logErrors left to its default: the logger reports
      app.use(
        logger({
          format: "json",
          sink: () => {
            throw new Error("disk full");
          },
        }),
      );
      app.get("/", () => "ok");
      app.get("/boom", () => {
        throw new Error("database down");
      });
      const res = await app.request("/");
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
      const failed = await app.request("/boom");
      expect(failed.status).toBe(500);
      await settled();
      expect(printed.some((args) => String(args[0]).includes("the log sink failed"))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  describe("with pino", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), "harpia-pino-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function pinoApp(file: string, level: string) {
      const destination = pino.destination({ dest: file, sync: true });
      const log = pino({ level }, destination);
      const app = harpia();
      app.use(logger({ format: "json", sink: log }));
      app.get("/users/:id", () => ({ id: 1 }));
      app.get("/boom", () => {
        throw new Error("database down");
      });
      const read = () =>
        readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { app, read };
    }

    test("lines at the status's level, with pino's own time and level, and reported errors through it", async () => {
      const file = path.join(dir, "all.log");
      const { app, read } = pinoApp(file, "info");
      await app.request("/users/7");
      await app.request("/nope");
      await app.request("/boom");
      await settled();
      const lines = read();
      const access = lines.filter((line) => line.status !== undefined);
      expect(access.map((line) => [line.level, line.msg, line.status])).toEqual([
        [30, "GET /users/7 200", 200],
        [40, "GET /nope 404", 404],
        [50, "GET /boom 500", 500],
      ]);
      expect(access[0]).toMatchObject({ method: "GET", path: "/users/7", route: "/users/:id", bytes: 8 });
      expect(typeof access[0]!.time).toBe("number"); // pino's epoch milliseconds, written once
      expect(typeof access[0]!.pid).toBe("number");
      const raw = readFileSync(file, "utf8").split("\n")[0]!;
      expect(raw.match(/"time":/g)).toHaveLength(1);
      expect(raw.match(/"level":/g)).toHaveLength(1);
      const reported = lines.find((line) => line.msg === "GET /boom failed");
      expect(reported).toMatchObject({
        level: 50,
        route: "/boom",
        error: { name: "Error", message: "database down" },
      });
    });

    test("pino's level filter applies", async () => {
      const file = path.join(dir, "warn.log");
      const { app, read } = pinoApp(file, "warn");
      await app.request("/users/7");
      await app.request("/nope");
      await settled();
      expect(read().map((line) => line.status)).toEqual([404]);
    });
  });

  describe("over a socket", () => {
    const entries: LogEntry[] = [];
    const app = harpia();
    app.use(logger({ format: "json", sink: (entry) => void entries.push(entry) }));
    app.get("/users/:id", () => ({ ok: true }));
    app.ws("/live", { open: (ws) => ws.close() });
    let handle: ServerHandle;
    beforeAll(() => {
      handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    });
    afterAll(() => app.close());

    test("native routes are logged with route, duration and the socket's address", async () => {
      await fetch(`http://127.0.0.1:${handle.port}/users/3`);
      await settled();
      expect(entries[0]).toMatchObject({ route: "/users/:id", status: 200, ip: "127.0.0.1", bytes: 11 });
      expect(entries[0]!.duration).toBeGreaterThanOrEqual(0);
    });
  });
});

describe("logger options are checked", () => {
  test("a TypeError naming the option", () => {
    expect(() => logger({ format: "xml" as "json" })).toThrow("logger({ format })");
    expect(() => logger({ sink: () => {} })).toThrow('needs format: "json"');
    expect(() => logger({ format: "json", sink: {} as never })).toThrow("logger({ sink })");
    expect(() => logger({ format: "json", sink: () => {}, write: () => {} })).toThrow("not both");
    expect(() => logger({ fields: () => ({}) })).toThrow('needs format: "json"');
    expect(() => logger({ skip: "/health" as never })).toThrow("logger({ skip })");
    expect(() => logger({ colors: "yes" as never })).toThrow("logger({ colors })");
    expect(() => logger({ fromat: "json" } as never)).toThrow("logger({ fromat }) is not an option");
  });
});
