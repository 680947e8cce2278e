import { describe, expect, test } from "bun:test";
import { Harpia } from "@harpia/core";
import { createApp, DEFAULT_SESSION_TTL, Preset, PresetStepError, STEPS, type StepName } from "./index";

/** A preset whose `start` step does not listen: these tests use `app.fetch`. */
function offline(): Preset {
  return new Preset().on("start", () => false);
}

describe("steps", () => {
  test("run in the documented order, each once, with the app, the resolved config and the step", async () => {
    const preset = new Preset();
    const seen: { step: string; app: unknown; ttl: unknown; contextStep: string }[] = [];
    for (const step of STEPS) {
      preset.on(step, (app, config, context) => {
        seen.push({ step, app, ttl: config.session?.ttl, contextStep: context.step });
        if (step === "start") return false;
      });
    }
    const built = await preset.createApp({ session: { provider: () => (_req, _res, next) => next() } });
    expect(seen.map((s) => s.step)).toEqual([
      "init",
      "configure.logger",
      "configure.static",
      "configure.cache",
      "configure.bodyParser",
      "configure.cookieParser",
      "configure.session",
      "configure.router",
      "configure.routes",
      "configure.errorHandlers",
      "configure.unhandledErrorHandler",
      "start",
      "ready",
    ]);
    expect(seen.every((s) => s.app === built.app)).toBe(true);
    expect(built.app).toBeInstanceOf(Harpia);
    expect(seen.every((s) => s.ttl === DEFAULT_SESSION_TTL && s.ttl === 30 * 60 * 1000)).toBe(true);
    expect(seen.every((s) => s.step === s.contextStep)).toBe(true);
    expect(built.servers).toBeUndefined();
  });

  test("listeners of a step run in registration order, each awaited", async () => {
    const order: string[] = [];
    const preset = offline()
      .on("configure.routes", async () => {
        await Bun.sleep(5);
        order.push("first");
      })
      .on("configure.routes", () => {
        order.push("second");
      })
      .on("configure.errorHandlers", () => {
        order.push("next step");
      });
    await preset.createApp();
    expect(order).toEqual(["first", "second", "next step"]);
  });

  test("returning false cancels the step's default and its later listeners, not other steps", async () => {
    const calls: string[] = [];
    const preset = offline()
      .on("configure.cache", async () => false)
      .on("configure.cache", () => {
        calls.push("later cache listener");
      })
      .on("configure.routes", (app) => {
        calls.push("routes");
        app.get("/", () => "hi");
      });
    const { app } = await preset.createApp({ logger: false });
    expect(calls).toEqual(["routes"]);
    const response = await app.request("/");
    expect(await response.text()).toBe("hi");
    expect(response.headers.get("cache-control")).toBeNull(); // the cache default did not run
  });

  test("a throwing listener aborts start with an error naming the step, the original as cause", async () => {
    const original = new Error("database unreachable");
    const reached: string[] = [];
    const preset = offline()
      .on("configure.session", () => {
        throw original;
      })
      .on("configure.routes", () => {
        reached.push("routes");
      });
    const error = await preset.createApp().catch((e) => e);
    expect(error).toBeInstanceOf(PresetStepError);
    expect(error.step).toBe("configure.session");
    expect(error.message).toBe('Preset step "configure.session" failed: database unreachable');
    expect(error.cause).toBe(original);
    expect(reached).toEqual([]);
  });

  test("a rejecting listener and a failing default abort too", async () => {
    const rejecting = offline().on("ready", async () => {
      await Bun.sleep(1);
      throw new Error("warm-up failed");
    });
    const error = await rejecting.createApp().catch((e) => e);
    expect(error.message).toBe('Preset step "ready" failed: warm-up failed');

    const badDefault = await offline()
      .createApp({ static: [{ route: "assets", path: "public" }] })
      .catch((e) => e);
    expect(badDefault).toBeInstanceOf(PresetStepError);
    expect(badDefault.step).toBe("configure.static");
    expect(badDefault.message).toContain('Preset step "configure.static" failed (its default behaviour)');
    expect(badDefault.message).toContain('config.static[0].route must be a URL path starting with "/"');
  });

  test("unknown step names and non-function listeners are refused at registration", () => {
    const preset = new Preset();
    expect(() => preset.on("configure.route" as StepName, () => {})).toThrow(
      /Unknown preset step "configure.route"; steps are: init, configure.logger/,
    );
    expect(() => preset.on("init", "nope" as never)).toThrow(TypeError);
  });

  test("off removes a listener; listenerCount counts", async () => {
    const calls: string[] = [];
    const listener = () => {
      calls.push("x");
    };
    const preset = offline().on("init", listener);
    expect(preset.listenerCount("init")).toBe(1);
    preset.off("init", listener);
    expect(preset.listenerCount("init")).toBe(0);
    await preset.createApp();
    expect(calls).toEqual([]);
  });

  test("a listener may adjust the config for later steps; the caller's object is untouched", async () => {
    const config = { bodyParser: { urlencoded: false as boolean | string[] } };
    const shared = config.bodyParser;
    const preset = offline()
      .on("init", (_app, resolved) => {
        resolved.bodyParser.urlencoded = true;
      })
      .on("configure.routes", (app) => {
        app.post("/form", (req) => ({ got: req.body }));
      });
    const { app } = await preset.createApp({ ...config, logger: false });
    const response = await app.request("/form", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    expect(await response.json()).toEqual({ got: { a: "1" } });
    expect(shared.urlencoded).toBe(false);
  });
});

describe("isolation", () => {
  test("one preset builds independent apps; presets do not share listeners", async () => {
    const preset = offline().on("configure.routes", (app, config) => {
      app.get("/name", () => (config as { name?: string }).name ?? "none");
    });
    const a = await preset.createApp({ name: "a", logger: false } as never);
    const b = await preset.createApp({ name: "b", logger: false } as never);
    expect(a.app).not.toBe(b.app);
    expect(await (await a.app.request("/name")).text()).toBe("a");
    expect(await (await b.app.request("/name")).text()).toBe("b");

    const other = await offline().createApp({ logger: false });
    expect((await other.app.request("/name")).status).toBe(404);
  });

  test("createApp(config, preset) is preset.createApp(config)", async () => {
    const built = await createApp({ logger: false }, offline());
    const response = await built.app.request("/missing");
    expect(response.status).toBe(404);
    expect(response.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
  });
});
