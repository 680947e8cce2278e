import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import harpia from "../index";

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

const get = (
  app: { fetch(request: Request): Response | Promise<Response> },
  path: string,
  init?: RequestInit,
) => Promise.resolve(app.fetch(new Request(`http://localhost${path}`, init)));

/** A generator that counts what it produced and whether its `finally` ran. */
function counted(total: number, chunk: (i: number) => string | Uint8Array = (i) => `${i},`) {
  const state = { produced: 0, finished: false };
  async function* produce() {
    try {
      for (let i = 0; i < total; i++) {
        state.produced++;
        yield chunk(i);
      }
    } finally {
      state.finished = true;
    }
  }
  return { state, produce };
}

describe("streaming an iterable", () => {
  test("res.send(asyncIterable) streams its chunks, text as UTF-8 and bytes as they are", async () => {
    const app = harpia();
    app.get("/", (_req, res) =>
      res.send(
        (async function* () {
          yield "olá ";
          yield new TextEncoder().encode("bytes ");
          yield new TextEncoder().encode("buffer").buffer as ArrayBuffer;
          yield ""; // an empty chunk is skipped
        })(),
      ),
    );
    const response = await get(app, "/");
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(await response.text()).toBe("olá bytes buffer");
  });

  test("res.stream() takes plain iterables too, and keeps a type set before", async () => {
    const app = harpia();
    app.get("/", (_req, res) => res.type("text/csv").stream(["a,b\n", "1,2\n"]));
    const response = await get(app, "/");
    expect(response.headers.get("content-type")).toBe("text/csv");
    expect(await response.text()).toBe("a,b\n1,2\n");
  });

  test("res.stream() refuses a string, a non-iterable and a bad highWaterMark with a TypeError", async () => {
    const app = harpia({ logErrors: false });
    const errors: unknown[] = [];
    app.get("/:case", (req, res) => {
      try {
        if (req.params.case === "string") res.stream("abc" as never);
        else if (req.params.case === "number") res.stream(42 as never);
        else res.stream([], { highWaterMark: -1 });
      } catch (error) {
        errors.push(error);
      }
      return "checked";
    });
    for (const name of ["string", "number", "hwm"]) await (await get(app, `/${name}`)).text();
    expect(errors.map((e) => (e as Error).constructor.name)).toEqual(["TypeError", "TypeError", "TypeError"]);
    expect((errors[0] as Error).message).toContain("send a string with res.send()");
    expect((errors[2] as Error).message).toContain("highWaterMark");
  });
});

describe("backpressure: the producer is pulled, not drained", () => {
  test.each([0, 4])("with highWaterMark %i, a slow reader bounds what is produced", async (highWaterMark) => {
    const app = harpia();
    const { state, produce } = counted(1000);
    app.get("/", (_req, res) => res.stream(produce(), { highWaterMark }));
    const response = await get(app, "/");
    const reader = response.body!.getReader();
    let read = 0;
    for (let i = 0; i < 3; i++) {
      await reader.read();
      read++;
      await Bun.sleep(20);
      // What the client read, plus at most `highWaterMark` produced ahead.
      expect(state.produced).toBeLessThanOrEqual(read + highWaterMark);
    }
    await Bun.sleep(50);
    expect(state.produced).toBeLessThanOrEqual(read + highWaterMark);
    await reader.cancel();
    await until(() => state.finished);
    expect(state.produced).toBeLessThan(1000);
  });

  test("nothing is produced for a response that is never read (HEAD)", async () => {
    const app = harpia();
    const { state, produce } = counted(10);
    app.get("/", (_req, res) => res.stream(produce()));
    const response = await get(app, "/", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    await Bun.sleep(20);
    expect(state.produced).toBe(0);
  });
});

describe("errors from the iterable", () => {
  test("a throwing iterator is reported and cuts the body", async () => {
    const reported: unknown[] = [];
    const app = harpia({ logErrors: (error) => reported.push(error) });
    app.get("/", (_req, res) =>
      res.stream(
        (async function* () {
          yield "first ";
          throw new Error("database went away");
        })(),
      ),
    );
    const response = await get(app, "/");
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow("database went away");
    expect((reported[0] as Error).message).toBe("database went away");
  });

  test("a chunk of the wrong type is reported, and the generator is ended (its finally runs)", async () => {
    const reported: unknown[] = [];
    const app = harpia({ logErrors: (error) => reported.push(error) });
    const { state, produce } = counted(5, (i) => (i === 1 ? (42 as never) : "ok"));
    app.get("/", (_req, res) => res.stream(produce()));
    const response = await get(app, "/");
    await expect(response.text()).rejects.toThrow(TypeError);
    await until(() => state.finished);
    expect(String(reported[0])).toContain("chunks must be strings, Uint8Arrays or ArrayBuffers");
  });
});

describe("a client that goes away stops the producer", () => {
  const app = harpia();
  const runs: { produced: number; finished: boolean; signalAborted: boolean }[] = [];
  app.get("/feed", (req, res) => {
    const run = { produced: 0, finished: false, signalAborted: false };
    runs.push(run);
    req.signal.addEventListener("abort", () => {
      run.signalAborted = true;
    });
    return res.type("text/plain").stream(
      (async function* () {
        try {
          for (;;) {
            run.produced++;
            yield `tick ${run.produced}\n`;
            await Bun.sleep(5);
          }
        } finally {
          run.finished = true;
        }
      })(),
    );
  });
  const big = new Uint8Array(64 * 1024);
  const paused = { produced: 0, finished: false };
  app.get("/big", (_req, res) =>
    res.stream(
      (async function* () {
        try {
          for (let i = 0; i < 4096; i++) {
            paused.produced++;
            yield big;
          }
        } finally {
          paused.finished = true;
        }
      })(),
    ),
  );
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  afterAll(() => server.stop(true));

  test("over a real socket: the generator's finally runs and req.signal fires, in bounded time", async () => {
    const socket = net.connect(server.port!, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString();
    });
    socket.write("GET /feed HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => received.includes("tick 3"));
    socket.destroy();
    const run = runs.at(-1)!;
    const left = Date.now();
    await until(() => run.finished && run.signalAborted, 2000);
    expect(Date.now() - left).toBeLessThan(2000);
    const produced = run.produced;
    await Bun.sleep(50);
    expect(run.produced).toBe(produced); // nothing after
  });

  test("over a real socket: a client that does not read holds the producer back", async () => {
    const socket = net.connect(server.port!, "127.0.0.1");
    socket.pause();
    socket.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    await Bun.sleep(400);
    // 4096 chunks of 64 KiB (256 MiB) are ready to go; only what the socket buffers hold is made.
    expect(paused.produced).toBeGreaterThan(0);
    expect(paused.produced).toBeLessThan(512);
    socket.destroy();
    await until(() => paused.finished);
  });
});
