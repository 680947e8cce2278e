import { describe, expect, test } from "bun:test";
import harpia, { definePlugin, isPlugin, type Middleware, Router } from "./index";

declare module "./request" {
  interface RequestState {
    /** Set by the `user` plugin of these tests. */
    testUser?: { name: string };
  }
}

describe("definePlugin and app.use", () => {
  test("setup runs once per app, the same value installed twice is a no-op", () => {
    let runs = 0;
    const plugin = definePlugin({ name: "counter", setup: () => void runs++ });
    const app = harpia();
    app.use(plugin);
    app.use(plugin);
    expect(runs).toBe(1);
    harpia().use(plugin);
    expect(runs).toBe(2);
    expect(app.hasPlugin("counter")).toBe(true);
    expect(app.hasPlugin("other")).toBe(false);
  });

  test("the handle is the value returned, and carries the plugin without showing it", () => {
    const handle = { read: () => 42 };
    const plugin = definePlugin({ name: "handle", setup() {} }, handle);
    expect(plugin as object).toBe(handle);
    expect(plugin.read()).toBe(42);
    expect(isPlugin(plugin)).toBe(true);
    expect(Object.keys(plugin)).toEqual(["read"]);
    expect(isPlugin({ setup() {} })).toBe(false);
    expect(isPlugin(() => {})).toBe(false);
  });

  test("dependencies must be installed first, named in the error", () => {
    const base = definePlugin({ name: "base", setup() {} });
    const dependent = definePlugin({ name: "dependent", dependencies: ["base"], setup() {} });
    expect(() => harpia().use(dependent)).toThrow('Plugin "dependent" needs "base"');
    const app = harpia();
    app.use(base).use(dependent);
    expect(app.hasPlugin("dependent")).toBe(true);
  });

  test("definitions are checked when made", () => {
    expect(() => definePlugin({ name: "", setup() {} })).toThrow(TypeError);
    expect(() => definePlugin({ name: "x" } as never)).toThrow("`setup` must be a function");
    expect(() => definePlugin({ name: "x", setup() {}, dependencies: [3] as never })).toThrow(
      "`dependencies`",
    );
    expect(() => definePlugin({ name: "x", setup() {} }, 5 as never)).toThrow("handle");
  });

  test("a function handle also works as middleware on one route and on a router", async () => {
    const tag = (value: string) => {
      const middleware: Middleware = (_req, res, next) => {
        res.header("x-tag", value);
        return next();
      };
      return definePlugin({ name: "tag", setup: (app) => void app.use(middleware) }, middleware);
    };
    const app = harpia();
    app.get("/one", tag("route"), () => "one");
    app.get("/two", () => "two");
    const router = Router("r");
    router.use(tag("router"));
    router.get("/x", () => "x");
    app.routes(router);
    expect((await app.request("/one")).headers.get("x-tag")).toBe("route");
    expect((await app.request("/two")).headers.get("x-tag")).toBeNull();
    expect((await app.request("/r/x")).headers.get("x-tag")).toBe("router");
  });

  test("a setup may app.use() its own function handle as middleware", async () => {
    const middleware: Middleware = (_req, res, next) => {
      res.header("x-self", "yes");
      return next();
    };
    const plugin = definePlugin({ name: "self", setup: (app) => void app.use(plugin) }, middleware);
    const app = harpia();
    app.use(plugin);
    app.get("/", () => "ok");
    expect((await app.request("/")).headers.get("x-self")).toBe("yes");
    const objectPlugin = definePlugin({ name: "object", setup: (a) => void a.use(objectPlugin) });
    expect(() => harpia().use(objectPlugin)).toThrow("not a middleware");
  });

  test("a setup that throws does not count as installed", () => {
    let fail = true;
    const flaky = definePlugin({
      name: "flaky",
      setup() {
        if (fail) throw new Error("not configured");
      },
    });
    const app = harpia();
    expect(() => app.use(flaky)).toThrow("not configured");
    expect(app.hasPlugin("flaky")).toBe(false);
    expect(() => app.use(definePlugin({ name: "needs-flaky", dependencies: ["flaky"], setup() {} }))).toThrow(
      'needs "flaky"',
    );
    fail = false;
    app.use(flaky);
    expect(app.hasPlugin("flaky")).toBe(true);
  });

  test("an object plugin with middleware works on one route and under a path", async () => {
    const hits: string[] = [];
    const tagged = definePlugin(
      {
        name: "object-with-middleware",
        setup() {},
        middleware: (req, _res, next) => {
          hits.push(req.path);
          return next();
        },
      },
      { kind: "handle" },
    );
    const app = harpia();
    app.get("/one", tagged, () => "one");
    app.use("/admin", tagged);
    app.get("/admin/x", () => "x");
    app.get("/other", () => "other");
    await app.request("/one");
    await app.request("/admin/x");
    await app.request("/other");
    expect(hits).toEqual(["/one", "/admin/x"]);
    const bare = definePlugin({ name: "bare", setup() {} });
    expect(() => harpia().get("/x", bare, () => "x")).toThrow('plugin "bare" has no route middleware');
    expect(() => harpia().get("/x", 3 as never)).toThrow("handler #1 is not a function");
  });

  test("a plugin with no middleware cannot go on a router", () => {
    const plugin = definePlugin({ name: "app-only", setup() {} });
    expect(() => Router().use(plugin)).toThrow('Plugin "app-only" is installed on the app: use app.use()');
  });
});

describe("once: one plugin of its name per app, one app per plugin value", () => {
  /** A `once` plugin factory; `setups` counts the setups that ran, `fail` makes them throw. */
  const single = (state = { setups: 0, fail: false }) =>
    definePlugin({
      name: "single",
      once: true,
      setup() {
        if (state.fail) throw new Error("not configured");
        state.setups++;
      },
    });

  test("a second plugin of the same name on one app is refused, naming it; its setup does not run", () => {
    const first = { setups: 0, fail: false };
    const second = { setups: 0, fail: false };
    const app = harpia();
    app.use(single(first));
    expect(() => app.use(single(second))).toThrow(
      'Plugin "single" is already installed on this app, which may have only one: call app.use(...) once',
    );
    expect(first.setups).toBe(1);
    expect(second.setups).toBe(0);
    // Nor may a plugin without the flag join it, or a `once` plugin join one without it.
    expect(() => app.use(definePlugin({ name: "single", setup() {} }))).toThrow(
      '"single" is already installed',
    );
    const plain = harpia().use(definePlugin({ name: "single", setup() {} }));
    expect(() => plain.use(single())).toThrow('"single" is already installed');
    // Other names are not concerned, and without the flag same-name plugins are all installed.
    app.use(definePlugin({ name: "other", once: true, setup() {} }));
    let plainSetups = 0;
    const twice = harpia();
    twice.use(definePlugin({ name: "plain", setup: () => void plainSetups++ }));
    twice.use(definePlugin({ name: "plain", setup: () => void plainSetups++ }));
    expect(plainSetups).toBe(2);
  });

  test("one value is installed on one app only; a new value serves the next app", () => {
    const state = { setups: 0, fail: false };
    const plugin = single(state);
    const app = harpia();
    app.use(plugin);
    const other = harpia();
    expect(() => other.use(plugin)).toThrow(
      'Plugin "single": this value is already installed on another app; make one per app',
    );
    expect(state.setups).toBe(1);
    expect(other.hasPlugin("single")).toBe(false);
    other.use(single());
    expect(other.hasPlugin("single")).toBe(true);
  });

  test("the same value twice on one app is a no-op", () => {
    const state = { setups: 0, fail: false };
    const plugin = single(state);
    const app = harpia();
    app.use(plugin).use(plugin);
    expect(state.setups).toBe(1);
    expect(app.hasPlugin("single")).toBe(true);
  });

  test("a setup that throws leaves the value and the name free", () => {
    const state = { setups: 0, fail: true };
    const plugin = single(state);
    const app = harpia();
    expect(() => app.use(plugin)).toThrow("not configured");
    expect(app.hasPlugin("single")).toBe(false);
    state.fail = false;
    // Not bound to the app where it failed: another app can have it...
    const other = harpia();
    other.use(plugin);
    expect(other.hasPlugin("single")).toBe(true);
    // ...and the first app can still have a plugin of that name.
    app.use(single());
    expect(app.hasPlugin("single")).toBe(true);
  });

  test("the flag must be a boolean", () => {
    expect(() => definePlugin({ name: "x", once: "yes" as never, setup() {} })).toThrow(
      new TypeError('definePlugin("x"): `once` must be a boolean'),
    );
    expect(() => definePlugin({ name: "x", once: 1 as never, setup() {} })).toThrow(
      "`once` must be a boolean",
    );
    expect(isPlugin(definePlugin({ name: "x", once: false, setup() {} }))).toBe(true);
  });
});

describe("settings, signer and request state", () => {
  test("plugins read the app's settings instead of declaring their own", () => {
    let seen: unknown;
    const app = harpia({ trustProxy: 1, development: true, bodyLimit: "2kb", cookieSecret: "s".repeat(32) });
    app.use(
      definePlugin({
        name: "reader",
        setup(a) {
          seen = { ...a.settings };
        },
      }),
    );
    expect(seen).toEqual({
      development: true,
      trustProxy: 1,
      bodyLimit: 2048,
      jsonDepth: 64,
      methodOverride: true,
      cookieSecret: true,
      validateResponses: false,
    });
    expect(Object.isFrozen(app.settings)).toBe(true);
    expect(harpia().signer).toBeUndefined();
  });

  test("app.signer signs with the app's secret and refuses a forged value", () => {
    const app = harpia({ cookieSecret: ["new-secret-new-secret", "old-secret-old-secret"] });
    const signed = app.signer!.sign("ctx", "value");
    expect(app.signer!.unsign("ctx", signed)).toBe("value");
    expect(app.signer!.unsign("ctx", `${signed}x`)).toBeUndefined();
    expect(app.signer!.unsign("other", signed)).toBeUndefined();
  });

  test("app.signer never accepts Express signatures, even with cookieSignatureCompat", async () => {
    const secret = "express-secret-express-secret";
    const app = harpia({ cookieSecret: secret, cookieSignatureCompat: "express" });
    // cookie-signature's format: s:value.base64(HMAC-SHA256(value)) without padding.
    const mac = new Bun.CryptoHasher("sha256", secret).update("value").digest("base64").replace(/=+$/, "");
    const expressSigned = `s:value.${mac}`;
    app.get("/cookie", (req) => ({ value: req.cookies.getSigned("c") ?? null }));
    const read = await app.request("/cookie", {
      headers: { cookie: `c=${encodeURIComponent(expressSigned)}` },
    });
    expect(await read.json()).toEqual({ value: "value" }); // cookies: opted in
    expect(app.signer!.unsign("ctx", expressSigned)).toBeUndefined(); // plugins: never
  });

  test("req.state carries typed values from a plugin to handlers, one object per request", async () => {
    const user = definePlugin({
      name: "user",
      setup(app) {
        app.use((req, _res, next) => {
          req.state.testUser = { name: req.header("x-user") ?? "anon" };
          return next();
        });
      },
    });
    const app = harpia();
    app.use(user);
    app.get("/me", (req) => ({ name: req.state.testUser?.name, proto: Object.getPrototypeOf(req.state) }));
    const [a, b] = await Promise.all([
      app.request("/me", { headers: { "x-user": "ada" } }).then((r) => r.json()),
      app.request("/me").then((r) => r.json()),
    ]);
    expect(a).toEqual({ name: "ada", proto: null });
    expect(b).toEqual({ name: "anon", proto: null });
  });
});

describe("onError and onListen hooks", () => {
  test("onError observes every answered error with its final status, and cannot break it", async () => {
    const seen: [string, number][] = [];
    const app = harpia({ logErrors: false });
    app.addHook("onError", (error, _req, res) => {
      seen.push([(error as Error).message, res.statusCode]);
    });
    app.addHook("onError", () => {
      throw new Error("observer failed");
    });
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.setErrorHandler(async (_error, _req, res) => {
      await Bun.sleep(1);
      res.status(503).json({ handled: true });
    });
    const response = await app.request("/boom");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ handled: true });
    expect(seen).toEqual([["boom", 503]]);
    const missing = await app.request("/missing");
    expect(missing.status).toBe(503);
    expect(seen[1]![1]).toBe(503);
  });

  test("onListen gets the server handle; unknown hook names are refused", async () => {
    const app = harpia();
    const ports: (number | undefined)[] = [];
    app.addHook("onListen", (handle) => void ports.push(handle.port));
    const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      expect(ports).toEqual([handle.port]);
    } finally {
      await app.close();
    }
    expect(() => app.addHook("onStart" as never, (() => {}) as never)).toThrow('Unknown hook "onStart"');
  });
});
