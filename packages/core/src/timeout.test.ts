import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import harpia, { cors, HttpError } from "./index";

/** A deferred value: `promise` settles when `resolve` is called. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

const get = (
  app: { fetch(request: Request): Promise<Response> | Response },
  path: string,
  init?: RequestInit,
) => Promise.resolve(app.fetch(new Request(`http://localhost${path}`, init)));

describe("timeout options are checked at registration", () => {
  test.each([
    [0, "expected a positive whole number of milliseconds"],
    [-5, "got -5"],
    [1.5, "got 1.5"],
    [Number.NaN, "got NaN"],
    ["30", 'got "30"'],
    ["soon", 'got "soon"'],
    [2 ** 31, "at most 24 days"],
    [true, "got true"],
  ])("harpia({ timeout: %p }) throws a TypeError naming the option", (value, message) => {
    expect(() => harpia({ timeout: value as never })).toThrow(TypeError);
    expect(() => harpia({ timeout: value as never })).toThrow(`harpia({ timeout }): `);
    expect(() => harpia({ timeout: value as never })).toThrow(message);
  });

  test("a route's timeout is checked where it is registered", () => {
    const app = harpia();
    expect(() => app.get("/x", { timeout: "2 fortnights" as never }, () => "x")).toThrow(
      'GET /x: route option "timeout": expected a positive whole number of milliseconds',
    );
    expect(() => app.get("/y", { timeout: 0 }, () => "y")).toThrow(TypeError);
    expect(() => app.get("/z", { timeout: "1.5s" }, () => "z")).not.toThrow();
    expect(() => app.get("/w", { timeout: false }, () => "w")).not.toThrow();
  });
});

describe("a route past its timeout", () => {
  const app = harpia({ logErrors: false });
  const sent: number[] = [];
  app.addHook("onResponse", (_req, _res, response) => void sent.push(response.status));
  let lateDone = deferred();
  let seenReason: unknown;
  app.get("/slow", { timeout: 50 }, async (req, res) => {
    res.header("x-before", "1");
    await Bun.sleep(150);
    seenReason = req.signal.reason;
    // Everything the handler does now must change nothing the client got.
    res.header("x-late", "1");
    res.status(200).json({ late: true });
    lateDone.resolve();
  });
  app.get("/string", { timeout: "60ms" }, async () => {
    await Bun.sleep(200);
    return "too late";
  });
  app.get("/quick", { timeout: 1000 }, async () => {
    await Bun.sleep(5);
    return "in time";
  });

  test("answers 503 with code TIMEOUT through the error path; the late handler changes nothing", async () => {
    lateDone = deferred();
    sent.length = 0;
    const started = performance.now();
    const response = await get(app, "/slow");
    expect(performance.now() - started).toBeLessThan(140);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toContain("json");
    expect(await response.json()).toMatchObject({ status: 503, code: "TIMEOUT" });
    // Headers set before the timeout go out with the error, as on any error.
    expect(response.headers.get("x-before")).toBe("1");
    await lateDone.promise;
    await Bun.sleep(20);
    expect((seenReason as DOMException).name).toBe("TimeoutError");
    expect(response.status).toBe(503);
    expect(response.headers.get("x-late")).toBeNull();
    // The late finish is skipped: one response built and observed, the 503.
    expect(sent).toEqual([503]);
  });

  test("a handler that returns its value late is ignored too", async () => {
    sent.length = 0;
    const response = await get(app, "/string");
    expect(response.status).toBe(503);
    await Bun.sleep(250);
    expect(sent).toEqual([503]);
  });

  test("a route that answers in time is not affected", async () => {
    const response = await get(app, "/quick");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("in time");
  });

  test("the timeout goes through the app's error handler and keeps middleware headers (CORS)", async () => {
    const other = harpia({ logErrors: false });
    other.use(cors({ origin: "https://app.example" }));
    const handled: unknown[] = [];
    other.setErrorHandler((error, _req, res) => {
      handled.push(error);
      res.json({ problem: (error as HttpError).code });
    });
    other.get("/slow", { timeout: 30 }, () => Bun.sleep(100));
    const response = await get(other, "/slow", { headers: { origin: "https://app.example" } });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ problem: "TIMEOUT" });
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBeInstanceOf(HttpError);
  });
});

describe("req.signal", () => {
  test("aborts with a TimeoutError at the timeout, so the handler's fetches stop", async () => {
    // An upstream that never answers by itself: it sees its request aborted.
    let upstreamAborted = false;
    const upstream = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request) =>
        new Promise<Response>((resolve) => {
          request.signal.addEventListener("abort", () => {
            upstreamAborted = true;
            resolve(new Response("gone"));
          });
        }),
    });
    try {
      const app = harpia({ logErrors: false });
      let fetchError: unknown;
      app.get("/proxy", { timeout: 80 }, async (req) => {
        try {
          await fetch(upstream.url, { signal: req.signal });
        } catch (error) {
          fetchError = error;
        }
        return "unreachable";
      });
      const response = await get(app, "/proxy");
      expect(response.status).toBe(503);
      await until(() => fetchError !== undefined && upstreamAborted);
      expect((fetchError as Error).name).toBe("TimeoutError");
    } finally {
      upstream.stop(true);
    }
  });

  test("read only after the timeout, it is already aborted", async () => {
    const app = harpia({ logErrors: false });
    let state: { aborted: boolean; reason: string } | undefined;
    app.get("/", { timeout: 20 }, async (req) => {
      await Bun.sleep(60);
      state = { aborted: req.signal.aborted, reason: (req.signal.reason as Error).name };
    });
    expect((await get(app, "/")).status).toBe(503);
    await until(() => state !== undefined);
    expect(state).toEqual({ aborted: true, reason: "TimeoutError" });
  });

  test("without a timeout it is the request's own signal, and no timer is set", async () => {
    const app = harpia();
    let same: boolean | undefined;
    app.get("/", async (req) => {
      await Bun.sleep(1);
      same = req.signal === req.raw.signal;
      return "ok";
    });
    const original = globalThis.setTimeout;
    let timers = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      timers++;
      return original(...args);
    }) as typeof setTimeout;
    try {
      await app.fetch(new Request("http://localhost/"));
      const before = timers;
      await app.fetch(new Request("http://localhost/"));
      // Bun.sleep does not go through setTimeout: any timer here would be the pipeline's.
      expect(timers - before).toBe(0);
    } finally {
      globalThis.setTimeout = original;
    }
    expect(same).toBe(true);
  });

  test("a route's timeout overrides the app's, and `timeout: false` lifts it", async () => {
    const app = harpia({ timeout: 30, logErrors: false });
    app.get("/default", () => Bun.sleep(80).then(() => "done"));
    app.get("/longer", { timeout: 500 }, () => Bun.sleep(80).then(() => "done"));
    app.get("/none", { timeout: false }, () => Bun.sleep(80).then(() => "done"));
    expect((await get(app, "/default")).status).toBe(503);
    expect((await get(app, "/longer")).status).toBe(200);
    expect((await get(app, "/none")).status).toBe(200);
  });
});

describe("over a socket", () => {
  const app = harpia({ logErrors: false });
  const aborted: { path: string; reason: string }[] = [];
  const waitForAbort = (path: string) => (req: { signal: AbortSignal }) =>
    new Promise<string>((resolve) => {
      req.signal.addEventListener("abort", () => {
        aborted.push({ path, reason: (req.signal.reason as Error).name });
        resolve("aborted");
      });
    });
  app.get("/hang", waitForAbort("/hang"));
  app.get("/hang-timed", { timeout: 5000 }, waitForAbort("/hang-timed"));
  app.get("/slow", { timeout: 50 }, () => Bun.sleep(200).then(() => "late"));
  app.post("/upload", { timeout: 100 }, (req) => ({ got: req.body }));
  app.get("/stream", { timeout: 50 }, (_req, res) =>
    res.type("text/plain").stream(
      (async function* () {
        for (let i = 0; i < 4; i++) {
          await Bun.sleep(40);
          yield `${i}`;
        }
      })(),
    ),
  );
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  /** Sends `head` (and the start of a body) and leaves the socket open; returns it. */
  const open = (head: string) => {
    const socket = net.connect(server.port!, "127.0.0.1");
    socket.write(head);
    return socket;
  };

  test("a route past its timeout answers 503 (Bun's native routes too)", async () => {
    const response = await fetch(new URL("/slow", server.url));
    expect(response.status).toBe(503);
    expect((await response.json()).code).toBe("TIMEOUT");
  });

  test.each(["/hang", "/hang-timed"])("req.signal of %s aborts when the client disconnects", async (path) => {
    const socket = open(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await Bun.sleep(50);
    socket.destroy();
    await until(() => aborted.some((entry) => entry.path === path));
    expect(aborted.find((entry) => entry.path === path)!.reason).toBe("AbortError");
  });

  test("the timeout covers reading the body: a client that stalls mid-body gets the 503", async () => {
    const socket = open(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
    );
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString();
    });
    try {
      await until(() => received.includes("\r\n\r\n"), 2000);
      expect(received.startsWith("HTTP/1.1 503")).toBe(true);
      expect(received).toContain('"code":"TIMEOUT"');
    } finally {
      socket.destroy();
    }
  });

  test("a streamed body is not cut by the timeout: it bounds the time to the head", async () => {
    const response = await fetch(new URL("/stream", server.url));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("0123");
  });
});
