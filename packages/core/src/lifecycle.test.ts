import { afterAll, describe, expect, test } from "bun:test";
import path from "node:path";
import harpia from "./index";

const servers: { stop(): unknown }[] = [];
afterAll(() => {
  for (const server of servers) server.stop();
});

/** Reads a child's stdout line by line, resolving once a line matches. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let buffer = "";
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  (async () => {
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let index = buffer.indexOf("\n");
      while (index !== -1) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 1);
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
        index = buffer.indexOf("\n");
      }
    }
  })();
  return {
    lines,
    wait(test: (line: string) => boolean): Promise<string> {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

describe("app.close()", () => {
  test("in-flight requests finish, new connections are refused, then onClose hooks run in reverse", async () => {
    const order: string[] = [];
    const app = harpia();
    app.onClose(() => void order.push("first registered"));
    app.onClose(async () => {
      await Bun.sleep(5);
      order.push("last registered");
    });
    app.get("/slow", async () => {
      await Bun.sleep(200);
      order.push("request done");
      return "done";
    });
    const { url } = app.listen({ port: 0, hostname: "127.0.0.1" });
    const inFlight = fetch(new URL("/slow", url)).then((r) => r.text());
    await Bun.sleep(30);
    expect(app.closing).toBe(false);
    const closing = app.close();
    expect(app.closing).toBe(true);
    expect(app.close()).toBe(closing);
    await Bun.sleep(10);
    await expect(fetch(new URL("/slow", url))).rejects.toThrow();
    expect(await inFlight).toBe("done");
    await closing;
    expect(order).toEqual(["request done", "last registered", "first registered"]);
    expect(() => app.listen({ port: 0 })).toThrow("closed");
  });

  test("requests still running after the timeout are cut; a hanging onClose hook is bounded", async () => {
    const errors: string[] = [];
    const app = harpia({ logErrors: (error) => errors.push(String((error as Error).message)) });
    app.get("/forever", () => new Promise(() => {}));
    app.onClose(() => new Promise(() => {}));
    const { url } = app.listen({ port: 0, hostname: "127.0.0.1" });
    const stuck = fetch(new URL("/forever", url)).then(
      () => "answered",
      () => "cut",
    );
    await Bun.sleep(20);
    const started = performance.now();
    await app.close({ timeout: 100, hookTimeout: 100 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await stuck).toBe("cut");
    expect(errors.some((m) => m.includes("onClose hook took longer than 100 ms"))).toBe(true);
    expect(() => app.close({ timeout: -1 })).not.toThrow(); // already closing: same promise
    expect(() => harpia().close({ timeout: -1 })).toThrow("timeout");
  });

  test("open WebSockets are closed with 1001 and their close handlers run", async () => {
    const closedOnServer: number[] = [];
    const app = harpia();
    app.ws("/live", { close: (_ws, code) => void closedOnServer.push(code) });
    const { port } = app.listen({ port: 0, hostname: "127.0.0.1" });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/live`);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const closedOnClient = new Promise<number>((resolve) => {
      socket.onclose = (event) => resolve(event.code);
    });
    await app.close();
    expect(await closedOnClient).toBe(1001);
    expect(closedOnServer).toEqual([1001]);
  });
});

describe("listen({ shutdownOnSignals: true })", () => {
  test("SIGTERM: the request in flight completes, resources close, the process exits by itself with 0", async () => {
    let resourceOpen = false;
    let resourceClosed: () => void = () => {};
    const resourceGone = new Promise<void>((resolve) => {
      resourceClosed = resolve;
    });
    const resource = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open() {
          resourceOpen = true;
        },
        data() {},
        close() {
          resourceClosed();
        },
      },
    });
    servers.push(resource);
    const child = Bun.spawn(["bun", path.join(import.meta.dir, "../test/support/graceful-app.ts")], {
      env: { ...process.env, RESOURCE_PORT: String(resource.port), SLOW_MS: "400" },
      stdout: "pipe",
      stderr: "inherit",
    });
    try {
      const output = lineReader(child.stdout);
      const port = Number((await output.wait((l) => l.startsWith("ready "))).split(" ")[1]);
      expect(resourceOpen).toBe(true);
      const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
      await Bun.sleep(50);
      child.kill("SIGTERM");
      await Bun.sleep(50);
      await expect(fetch(`http://127.0.0.1:${port}/slow`)).rejects.toThrow();
      expect(await inFlight).toBe("slow done");
      await resourceGone;
      const code = await Promise.race([child.exited, Bun.sleep(5_000).then(() => "still running")]);
      expect(code).toBe(0);
      expect(output.lines).toContain("closed");
    } finally {
      child.kill("SIGKILL");
    }
  });
});
