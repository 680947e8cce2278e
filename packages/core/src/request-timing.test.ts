import { afterAll, describe, expect, test } from "bun:test";
import harpia from "./index";

describe("req.startTime and app.timeRequests()", () => {
  test("undefined until asked; then when the request entered the app", async () => {
    const app = harpia();
    const seen: (number | undefined)[] = [];
    app.get("/", async (req) => {
      seen.push(req.startTime);
      await Bun.sleep(15);
      return "ok";
    });
    await app.request("/");
    expect(seen).toEqual([undefined]);

    const durations: number[] = [];
    app.timeRequests();
    app.addHook("onResponse", (req) => void durations.push(performance.now() - req.startTime!));
    const before = performance.now();
    await app.request("/");
    await Bun.sleep(0);
    expect(seen[1]).toBeGreaterThanOrEqual(before);
    expect(seen[1]).toBeLessThanOrEqual(performance.now());
    expect(durations[0]).toBeGreaterThanOrEqual(14);
  });

  describe("over a socket", () => {
    const app = harpia();
    app.timeRequests();
    app.get("/users/:id", (req) => ({ timed: typeof req.startTime === "number" }));
    app.get("/files/*", (req) => ({ timed: typeof req.startTime === "number" }));
    const { port } = app.listen({ port: 0, hostname: "127.0.0.1" });
    afterAll(() => app.close());

    test("native routes and the JS router alike", async () => {
      expect(await (await fetch(`http://127.0.0.1:${port}/users/1`)).json()).toEqual({ timed: true });
      expect(await (await fetch(`http://127.0.0.1:${port}/files/a/b`)).json()).toEqual({ timed: true });
    });
  });
});

describe("app.setErrorReporter()", () => {
  const failing = (app: ReturnType<typeof harpia>) =>
    app.get("/boom", () => {
      throw new Error("kaput");
    });

  test("replaces the default reporter (console.error)", async () => {
    const reported: string[] = [];
    const app = harpia();
    failing(app);
    app.setErrorReporter((error, req) => reported.push(`${req?.path} ${(error as Error).message}`));
    expect((await app.request("/boom")).status).toBe(500);
    app.onClose(() => {
      throw new Error("cleanup failed");
    });
    await app.close();
    expect(reported).toEqual(["/boom kaput", "undefined cleanup failed"]);
  });

  test("an explicit harpia({ logErrors }) stays in charge", async () => {
    const mine: unknown[] = [];
    const plugin: unknown[] = [];
    const app = harpia({ logErrors: (error) => mine.push(error) });
    failing(app);
    app.setErrorReporter((error) => plugin.push(error));
    await app.request("/boom");
    expect([mine.length, plugin.length]).toEqual([1, 0]);

    const silent = harpia({ logErrors: false });
    failing(silent);
    silent.setErrorReporter((error) => plugin.push(error));
    await silent.request("/boom");
    expect(plugin).toHaveLength(0);
  });

  test("needs a function", () => {
    expect(() => harpia().setErrorReporter("console" as never)).toThrow(TypeError);
  });
});
