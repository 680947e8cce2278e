import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { EventReader } from "../../test/support/sse";
import harpia, { compress, type SseStream } from "../index";

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const get = (
  app: { fetch(request: Request): Response | Promise<Response> },
  path: string,
  init?: RequestInit,
) => Promise.resolve(app.fetch(new Request(`http://localhost${path}`, init)));

describe("res.sse() over a socket", () => {
  const app = harpia({ logErrors: false });
  app.use(compress({ threshold: 0 }));
  const next = { step: deferred() };
  app.get("/steps", (_req, res) =>
    res.sse(async (stream) => {
      await stream.send({ event: "first", data: "x".repeat(2000) });
      await next.step.promise;
      await stream.send({ event: "second", data: "y" });
    }),
  );
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("sends the event-stream headers, is never compressed, and each event arrives as it is sent", async () => {
    next.step = deferred();
    const response = await fetch(new URL("/steps", server.url), {
      headers: { "accept-encoding": "gzip, br, zstd" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.headers.get("content-encoding")).toBeNull();
    const events = new EventReader(response.body!);
    // The first event arrives while the producer still waits for the test: nothing held it back.
    const first = await events.nextEvent();
    expect(first).toMatchObject({ event: "first", data: "x".repeat(2000) });
    next.step.resolve();
    expect(await events.nextEvent()).toMatchObject({ event: "second", data: "y" });
    // The producer returned: the stream ends.
    expect(await events.next()).toBeUndefined();
  });
});

describe("the wire format", () => {
  test("event, id, retry and data fields; multi-line data as several data lines; JSON for objects", async () => {
    const app = harpia();
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          await stream.send({ event: "update", id: "7", data: "line one\nline two\r\nline three" });
          await stream.send({ data: { count: 2, tags: ["a"] } });
          await stream.send("a plain string");
          await stream.send({ id: 9, retry: 5000 });
          await stream.comment("just saying\nhi");
          await stream.send({ data: " leading space" });
        },
        { retry: 2500, heartbeat: false },
      ),
    );
    const response = await get(app, "/");
    const text = await response.text();
    expect(text).toBe(
      "retry: 2500\n\n" +
        "event: update\nid: 7\ndata: line one\ndata: line two\ndata: line three\n\n" +
        'data: {"count":2,"tags":["a"]}\n\n' +
        "data: a plain string\n\n" +
        "id: 9\nretry: 5000\n\n" +
        ": just saying\n: hi\n\n" +
        "data:  leading space\n\n",
    );
    // What EventSource would make of it.
    const app2 = harpia();
    app2.get("/", (_req, res) =>
      res.sse((stream) => stream.send({ event: "update", data: "line one\nline two" }), { heartbeat: false }),
    );
    const reader = new EventReader((await get(app2, "/")).body!);
    expect(await reader.nextEvent()).toMatchObject({ event: "update", data: "line one\nline two" });
  });

  test.each([
    [{ event: "a\nb", data: 1 }, "type cannot contain a line break"],
    [{ event: "a\rb", data: 1 }, "type cannot contain a line break"],
    [{ id: "1\n2", data: 1 }, "id cannot contain a line break or NUL"],
    [{ id: "1\u00002", data: 1 }, "id cannot contain a line break or NUL"],
    [{ retry: -1 }, "retry must be a whole number"],
    [{ retry: 1.5 }, "retry must be a whole number"],
    [{ evnet: "typo", data: 1 }, 'no field "evnet"'],
    [{}, "at least one of data, event, id or retry"],
    [{ data: () => 1 }, "cannot be sent as JSON"],
    [{ event: 5, data: 1 }, "type must be a string"],
  ])("a malformed event %p is refused with a TypeError, and nothing is written", async (message, error) => {
    const app = harpia({ logErrors: false });
    let thrown: unknown;
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          try {
            await stream.send(message as never);
          } catch (e) {
            thrown = e;
          }
          await stream.send({ data: "after" });
        },
        { heartbeat: false },
      ),
    );
    const text = await (await get(app, "/")).text();
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain(error);
    expect(text).toBe(": open\n\ndata: after\n\n");
  });

  test("stream.lastEventId is the Last-Event-ID the client sent back", async () => {
    const app = harpia();
    const seen: (string | undefined)[] = [];
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          seen.push(stream.lastEventId);
          const from = Number(stream.lastEventId ?? 0) + 1;
          for (let id = from; id < from + 2; id++) await stream.send({ id, data: `event ${id}` });
        },
        { heartbeat: false },
      ),
    );
    await (await get(app, "/")).text();
    const resumed = await (await get(app, "/", { headers: { "last-event-id": "41" } })).text();
    expect(seen).toEqual([undefined, "41"]);
    expect(resumed).toContain("id: 42\ndata: event 42");
    expect(resumed).toContain("id: 43\ndata: event 43");
  });
});

describe("heartbeats", () => {
  test("a comment goes out after a quiet interval, not while events flow; `false` turns them off", async () => {
    const app = harpia();
    const quiet = deferred();
    app.get("/:mode", (req, res) =>
      res.sse(
        async (stream) => {
          if (req.params.mode === "busy") {
            for (let i = 0; i < 12; i++) {
              await stream.send({ data: i });
              await Bun.sleep(10);
            }
            return;
          }
          await quiet.promise;
        },
        { heartbeat: req.params.mode === "off" ? false : 40 },
      ),
    );
    const quietReader = new EventReader((await get(app, "/quiet")).body!);
    const offReader = new EventReader((await get(app, "/off")).body!);
    expect((await quietReader.next())?.comments).toEqual(["open"]);
    expect((await quietReader.next(500))?.comments).toEqual(["ping"]);
    expect((await quietReader.next(500))?.comments).toEqual(["ping"]);
    expect((await offReader.next())?.comments).toEqual(["open"]);
    await expect(offReader.next(150)).rejects.toThrow("no event within 150 ms");
    quiet.resolve();
    // Pings went on while the off-stream was watched; then the quiet stream ends.
    for (let block = await quietReader.next(); block !== undefined; block = await quietReader.next())
      expect(block.comments).toEqual(["ping"]);
    await offReader.cancel();

    const busy = await (await get(app, "/busy")).text();
    expect(busy).not.toContain(": ping");
  });
});

describe("when the client goes away", () => {
  const app = harpia({ logErrors: false });
  const runs: {
    sent: number;
    finished: boolean;
    reason?: unknown;
    afterAbort?: boolean;
    closed: boolean;
  }[] = [];
  let timers: { set: unknown[]; cleared: unknown[] } | undefined;
  app.get("/live", (_req, res) =>
    res.sse(
      async (stream) => {
        const run = { sent: 0, finished: false, closed: false } as (typeof runs)[number];
        runs.push(run);
        void stream.closed.then(() => {
          run.closed = true;
        });
        try {
          while (!stream.signal.aborted) {
            await stream.send({ event: "tick", data: ++run.sent });
            await Bun.sleep(10);
          }
          run.reason = stream.signal.reason;
          run.afterAbort = await stream.send({ data: "nobody is there" });
        } finally {
          run.finished = true;
        }
      },
      { heartbeat: 20 },
    ),
  );
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("over a real socket: the signal fires, the producer stops, writes are no-ops, the heartbeat is cleared", async () => {
    const realSet = globalThis.setInterval;
    const realClear = globalThis.clearInterval;
    timers = { set: [], cleared: [] };
    const seen = timers;
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      const id = realSet(...args);
      seen.set.push(id);
      return id;
    }) as typeof setInterval;
    globalThis.clearInterval = ((id: Parameters<typeof clearInterval>[0]) => {
      seen.cleared.push(id);
      realClear(id);
    }) as typeof clearInterval;
    try {
      const socket = net.connect(server.port!, "127.0.0.1");
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString();
      });
      socket.write("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
      await until(() => received.includes("data: 3"));
      socket.destroy();
      const run = runs.at(-1)!;
      const left = Date.now();
      await until(() => run.finished && run.closed, 2000);
      expect(Date.now() - left).toBeLessThan(2000);
      expect((run.reason as DOMException).name).toBe("AbortError");
      expect(run.afterAbort).toBe(false);
      const sent = run.sent;
      await Bun.sleep(60);
      expect(run.sent).toBe(sent);
      expect(seen.set).toHaveLength(1);
      expect(seen.cleared).toContain(seen.set[0]);
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
  });

  test("in process: cancelling the body ends the stream the same way", async () => {
    const response = await app.fetch(new Request("http://localhost/live"));
    const reader = new EventReader(response.body!);
    await reader.nextEvent();
    await reader.cancel();
    const run = runs.at(-1)!;
    await until(() => run.finished && run.closed);
    expect(run.afterAbort).toBe(false);
  });
});

describe("backpressure and limits", () => {
  test("`await stream.send()` waits while the client is not reading", async () => {
    const app = harpia();
    let sent = 0;
    const chunk = "z".repeat(1024);
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          while (await stream.send({ data: chunk })) sent++;
        },
        { heartbeat: false },
      ),
    );
    const response = await get(app, "/");
    const reader = response.body!.getReader();
    await reader.read();
    await Bun.sleep(100);
    // About 64 KiB go ahead of the client, then the producer waits.
    expect(sent).toBeGreaterThan(10);
    expect(sent).toBeLessThan(80);
    const before = sent;
    await reader.read();
    await reader.read();
    await Bun.sleep(20);
    expect(sent).toBeGreaterThan(before);
    await reader.cancel();
  });

  test("a producer that does not wait, for a client that does not read, ends at bufferLimit", async () => {
    const app = harpia();
    let reason: unknown;
    let writes = 0;
    app.get("/", (_req, res) =>
      res.sse(
        (stream) => {
          // Fire and forget: nothing slows this producer down but the limit.
          while (!stream.signal.aborted && writes < 10_000) {
            void stream.send({ data: "z".repeat(1024) });
            writes++;
          }
          reason = stream.signal.reason;
        },
        { heartbeat: false, bufferLimit: "100kb" },
      ),
    );
    const response = await get(app, "/");
    const reader = response.body!.getReader();
    await reader.read();
    await until(() => reason !== undefined);
    expect(writes).toBeLessThan(120);
    expect((reason as Error).message).toContain("not reading");
    await expect(reader.read()).rejects.toThrow("not reading");
  });
});

describe("the stream's life", () => {
  test("a producer that throws is reported and the stream ends", async () => {
    const reported: unknown[] = [];
    const app = harpia({ logErrors: (error) => reported.push(error) });
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          await stream.send({ data: "before" });
          throw new Error("feed broke");
        },
        { heartbeat: false },
      ),
    );
    expect(await (await get(app, "/")).text()).toBe(": open\n\ndata: before\n\n");
    expect((reported[0] as Error).message).toBe("feed broke");
  });

  test("a subscriber waits for stream.closed; stream.close() ends it from the server", async () => {
    const app = harpia();
    const listeners = new Set<(value: string) => void>();
    app.get("/", (_req, res) =>
      res.sse(
        async (stream: SseStream) => {
          const listener = (value: string) => {
            if (value === "bye") stream.close();
            else void stream.send({ data: value });
          };
          listeners.add(listener);
          await stream.closed;
          listeners.delete(listener);
        },
        { heartbeat: false },
      ),
    );
    const reader = new EventReader((await get(app, "/")).body!);
    await reader.next(); // opened: the producer is subscribed
    for (const listener of listeners) listener("hello");
    expect((await reader.nextEvent())?.data).toBe("hello");
    for (const listener of listeners) listener("bye");
    expect(await reader.next()).toBeUndefined();
    await until(() => listeners.size === 0);
  });

  test("nothing runs for a HEAD request", async () => {
    const app = harpia();
    let ran = false;
    app.get("/", (_req, res) =>
      res.sse(() => {
        ran = true;
      }),
    );
    const response = await get(app, "/", { method: "HEAD" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    await response.text();
    await Bun.sleep(20);
    expect(ran).toBe(false);
  });

  test("app.close() ends open streams instead of waiting out the drain", async () => {
    const app = harpia();
    let ended: unknown;
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          await stream.closed;
          ended = stream.signal.reason;
        },
        { heartbeat: false },
      ),
    );
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const response = await fetch(new URL("/", server.url));
    const reader = new EventReader(response.body!);
    await reader.next();
    const started = Date.now();
    await app.close({ timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await reader.next()).toBeUndefined();
    expect((ended as Error).message).toContain("closed");
  });

  test("a route's timeout does not cut a long-lived stream", async () => {
    const app = harpia({ timeout: 30 });
    app.get("/", (_req, res) =>
      res.sse(
        async (stream) => {
          for (let i = 0; i < 4; i++) {
            await Bun.sleep(25);
            await stream.send({ data: i });
          }
        },
        { heartbeat: false },
      ),
    );
    const response = await get(app, "/");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(": open\n\ndata: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\n");
  });

  test.each([
    [{ heartbeat: 0 }, "res.sse(): heartbeat: expected a positive whole number of milliseconds"],
    [{ heartbeat: "often" }, "res.sse(): heartbeat"],
    [{ retry: -1 }, "retry must be a whole number"],
    [{ bufferLimit: 0 }, "res.sse(): bufferLimit"],
    [{ heartbaet: 10 }, 'unknown option "heartbaet"'],
  ])("options %p are refused with a TypeError", async (options, message) => {
    const app = harpia({ logErrors: false });
    let thrown: unknown;
    app.get("/", (_req, res) => {
      try {
        res.sse(() => {}, options as never);
      } catch (error) {
        thrown = error;
      }
      return "checked";
    });
    await (await get(app, "/")).text();
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain(message);
  });
});
