import { describe, expect, test } from "bun:test";
import path from "node:path";
import { definePlugin, HttpError, withRouteOptions } from "@harpia/core";
import { Preset, type PresetConfig, type SessionSettings } from "./index";

const FIXTURES = path.join(import.meta.dir, "../fixtures");

/** Builds an app without listening; `routes` registers the test's routes. */
async function build(config: PresetConfig, routes?: (app: import("@harpia/core").Harpia) => void) {
  const preset = new Preset().on("start", () => false);
  if (routes) preset.on("configure.routes", routes);
  return (await preset.createApp({ logger: false, ...config })).app;
}

describe("access log", () => {
  test("one combined-format line per request, written after the response is known", async () => {
    const lines: string[] = [];
    const app = await build({ logger: { write: (line) => lines.push(line) } }, (a) => {
      a.get("/books", () => "ok");
    });
    await app.request("/books?page=2", {
      headers: { referer: "https://ref.example", "user-agent": "tester" },
    });
    await app.request("/nope");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^- - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/books\?page=2 HTTP\/1\.1" 200 2 "https:\/\/ref\.example" "tester"$/,
    );
    expect(lines[1]).toContain('"GET /nope HTTP/1.1" 404');
  });

  test("cancelling configure.logger removes it", async () => {
    const lines: string[] = [];
    const preset = new Preset().on("start", () => false).on("configure.logger", () => false);
    const { app } = await preset.createApp({ logger: { write: (line) => lines.push(line) } });
    await app.request("/");
    expect(lines).toEqual([]);
  });
});

describe("static files", () => {
  const entries = [
    { route: "/theme", path: path.join(FIXTURES, "theme-base") },
    { route: "/theme", path: path.join(FIXTURES, "theme-custom"), cors: true },
    { route: "/favicon.ico", path: path.join(FIXTURES, "favicon.ico"), file: true },
    { route: "/icon.ico", path: path.join(FIXTURES, "missing.ico"), file: true },
    { route: "/icon.ico", path: path.join(FIXTURES, "other.ico"), file: true },
  ];

  test("an entry added later wins; a miss falls through to the earlier one", async () => {
    const app = await build({ static: entries });
    const custom = await app.request("/theme/site.txt");
    expect(await custom.text()).toBe("custom site\n");
    expect(custom.headers.get("access-control-allow-origin")).toBe("*");
    const fallthrough = await app.request("/theme/only-base.txt");
    expect(await fallthrough.text()).toBe("base only\n");
    expect(fallthrough.headers.get("access-control-allow-origin")).toBeNull(); // cors only on its entry
    expect((await app.request("/theme/none.txt")).status).toBe(404);
  });

  test("single-file entries serve their exact URL; a missing file falls through", async () => {
    const app = await build({ static: entries });
    expect(await (await app.request("/favicon.ico")).text()).toBe("ICON");
    // The later entry for /icon.ico is missing on disk: the earlier one answers.
    expect(await (await app.request("/icon.ico")).text()).toBe("OTHER ICON");
    expect((await app.request("/favicon.ico/x")).status).toBe(404);
  });

  test("static files carry their own caching headers, never the dynamic no-cache ones", async () => {
    const app = await build({ static: entries }, (a) => {
      a.get("/dynamic", () => "now");
    });
    for (const url of ["/theme/site.txt", "/favicon.ico"]) {
      const file = await app.request(url);
      expect(file.status).toBe(200);
      expect(file.headers.get("pragma")).toBeNull();
      expect(file.headers.get("expires")).toBeNull();
      expect(file.headers.get("cache-control") ?? "").not.toContain("no-store");
      expect(file.headers.get("etag")).not.toBeNull();
    }
    const dynamic = await app.request("/dynamic");
    expect(dynamic.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
  });

  test("routes win over folder mounts", async () => {
    const app = await build({ static: entries }, (a) => {
      a.get("/theme/site.txt", () => "from a route");
    });
    expect(await (await app.request("/theme/site.txt")).text()).toBe("from a route");
  });

  test("cancelling configure.static mounts nothing", async () => {
    const preset = new Preset().on("start", () => false).on("configure.static", () => false);
    const { app } = await preset.createApp({ logger: false, static: entries });
    expect((await app.request("/theme/site.txt")).status).toBe(404);
    expect((await app.request("/favicon.ico")).status).toBe(404);
  });
});

describe("cache headers", () => {
  test("dynamic responses, errors included, are not cacheable", async () => {
    const app = await build({ logErrors: false }, (a) => {
      a.get("/ok", () => "ok");
      a.get("/boom", () => {
        throw new Error("boom");
      });
    });
    for (const url of ["/ok", "/boom", "/missing"]) {
      const response = await app.request(url);
      expect(response.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
      expect(response.headers.get("pragma")).toBe("no-cache");
      expect(response.headers.get("expires")).toBe("0");
    }
  });

  test("a route may set its own Cache-Control", async () => {
    const app = await build({}, (a) => {
      a.get("/cached", (_req, res) => res.header("cache-control", "public, max-age=60").send("x"));
    });
    expect((await app.request("/cached")).headers.get("cache-control")).toBe("public, max-age=60");
  });
});

describe("body parser", () => {
  const routes = (a: import("@harpia/core").Harpia) => {
    a.post("/echo", (req) => ({ body: req.body }));
    a.post("/big", { bodyLimit: 1024 * 1024 }, (req) => ({ size: JSON.stringify(req.body).length }));
    const upload = withRouteOptions((_req, _res, next) => next(), { bodyLimit: 512 * 1024 });
    a.post("/upload", upload, (req) => ({ size: JSON.stringify(req.body).length }));
    a.post("/login", (req) => ({ body: req.body }));
    a.delete("/echo", () => "deleted");
  };
  const json = (size: number) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pad: "x".repeat(size) }),
  });
  const form = (body: string, extra: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...extra },
    body,
  });

  test("JSON is parsed with a 100kb default limit (413 above it)", async () => {
    const app = await build({}, routes);
    expect(await (await app.request("/echo", json(10))).json()).toEqual({ body: { pad: "x".repeat(10) } });
    expect((await app.request("/echo", json(100 * 1024 - 20))).status).toBe(200);
    const tooBig = await app.request("/echo", json(100 * 1024));
    expect(tooBig.status).toBe(413);
  });

  test("routes override the limit, and a middleware carrying a bigger one raises it", async () => {
    const app = await build({}, routes);
    expect((await app.request("/big", json(300 * 1024))).status).toBe(200);
    expect((await app.request("/upload", json(300 * 1024))).status).toBe(200);
    expect((await app.request("/upload", json(600 * 1024))).status).toBe(413);
  });

  test("the limit is configurable", async () => {
    const app = await build({ bodyParser: { limit: "1kb" } }, routes);
    expect((await app.request("/echo", json(2000))).status).toBe(413);
    expect((await app.request("/echo", json(500))).status).toBe(200);
  });

  test("urlencoded bodies are refused with 415 by default, and form method override is off", async () => {
    const app = await build({}, routes);
    const refused = await app.request("/echo", form("name=exa", { accept: "application/json" }));
    expect(refused.status).toBe(415);
    expect((await refused.json()).code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const overridden = await app.request("/echo", form("_method=DELETE"));
    expect(overridden.status).toBe(415); // never routed to DELETE
    const header = await app.request("/echo", {
      ...json(1),
      headers: { "content-type": "application/json", "x-http-method-override": "DELETE" },
    });
    expect(await header.json()).toEqual({ body: { pad: "x" } });
  });

  test("urlencoded: true parses forms everywhere and restores method override", async () => {
    const app = await build({ bodyParser: { urlencoded: true } }, routes);
    expect(await (await app.request("/echo", form("name=exa&type=framework"))).json()).toEqual({
      body: { name: "exa", type: "framework" },
    });
    expect(await (await app.request("/echo", form("_method=DELETE"))).text()).toBe("deleted");
  });

  test("urlencoded: [paths] accepts forms under those paths only", async () => {
    const app = await build({ bodyParser: { urlencoded: ["/login"] } }, routes);
    expect(await (await app.request("/login", form("user=ada"))).json()).toEqual({ body: { user: "ada" } });
    expect((await app.request("/echo", form("user=ada"))).status).toBe(415);
  });

  test("urlencoded paths cover whole segments (core's pathWithin), a trailing slash ignored", async () => {
    const app = await build({ bodyParser: { urlencoded: ["/login/"] } }, (a) => {
      a.post("/login/step-2", (req) => ({ body: req.body }));
      a.post("/loginx", (req) => ({ body: req.body }));
    });
    expect((await app.request("/login/step-2", form("user=ada"))).status).toBe(200);
    expect((await app.request("/loginx", form("user=ada"))).status).toBe(415);
    await expect(build({ bodyParser: { urlencoded: ["login"] } })).rejects.toThrow(
      'paths must start with "/"',
    );
  });

  test("multipart and JSON are unaffected by the urlencoded switch", async () => {
    const app = await build({}, routes);
    const data = new FormData();
    data.append("title", "cat");
    expect(await (await app.request("/echo", { method: "POST", body: data })).json()).toEqual({
      body: { title: "cat" },
    });
  });

  test("bad settings fail at start, naming the step", async () => {
    const error = await new Preset()
      .on("start", () => false)
      .createApp({ logger: false, bodyParser: { limit: "lots" } })
      .catch((e) => e);
    expect(error.step).toBe("configure.bodyParser");
    expect(error.message).toContain(
      'bodyParser.limit: expected a positive whole number of bytes or a size such as "100kb"',
    );
  });

  test("cancelling configure.bodyParser leaves core's defaults (1 MiB, urlencoded parsed)", async () => {
    const preset = new Preset()
      .on("start", () => false)
      .on("configure.bodyParser", () => false)
      .on("configure.routes", routes);
    const { app } = await preset.createApp({ logger: false });
    expect((await app.request("/echo", json(300 * 1024))).status).toBe(200);
    expect(await (await app.request("/echo", form("a=1"))).json()).toEqual({ body: { a: "1" } });
  });
});

describe("cookies", () => {
  const routes = (a: import("@harpia/core").Harpia) => {
    a.get("/set", (_req, res) => res.cookie("user", "ada", { signed: true }).send("set"));
    a.get("/read", (req) => ({ user: req.cookies.get("user") ?? null }));
  };

  async function roundTrip(app: import("@harpia/core").Harpia, tamper = false): Promise<unknown> {
    const set = await app.request("/set");
    let cookie = set.headers.get("set-cookie")!.split(";")[0]!;
    if (tamper) cookie = cookie.replace("ada", "eve");
    return (await app.request("/read", { headers: { cookie } })).json();
  }

  test("signed cookies with config.cookieParser.secret; tampering is detected", async () => {
    const app = await build({ cookieParser: { secret: "a-long-enough-cookie-secret-for-tests" } }, routes);
    expect(await roundTrip(app)).toEqual({ user: "ada" });
    expect(await roundTrip(app, true)).toEqual({ user: null });
  });

  test("the session secret signs cookies when no cookie secret is given", async () => {
    const app = await build(
      { session: { secret: "session-secret-for-tests", provider: () => (_req, _res, next) => next() } },
      routes,
    );
    expect(await roundTrip(app)).toEqual({ user: "ada" });
  });

  test("cancelling configure.cookieParser removes the secret", async () => {
    const preset = new Preset()
      .on("start", () => false)
      .on("configure.cookieParser", () => false)
      .on("configure.routes", routes);
    const { app } = await preset.createApp({
      logger: false,
      logErrors: false,
      cookieParser: { secret: "s3cret-s3cret" },
    });
    const set = await app.request("/set", { headers: { accept: "application/json" } });
    expect(set.status).toBe(500); // signing needs a secret
    const forged = await app.request("/read", { headers: { cookie: "user=s%3Aada.forged" } });
    expect(await forged.json()).toEqual({ user: "s:ada.forged" }); // read as plain text, never "verified"
  });
});

describe("sessions", () => {
  test("a factory provider gets the settings with a 30 minute default TTL", async () => {
    const received: SessionSettings[] = [];
    const app = await build(
      {
        session: {
          secret: "s",
          store: "memory",
          provider: (settings) => {
            received.push(settings);
            return (_req, res, next) => {
              res.locals.session = { id: "abc" };
              return next();
            };
          },
        },
      },
      (a) => {
        a.get("/me", (_req, res) => res.locals.session);
      },
    );
    expect(received).toEqual([{ secret: "s", store: "memory", ttl: 1_800_000, ttlSeconds: 1800 }]);
    expect(await (await app.request("/me")).json()).toEqual({ id: "abc" });
  });

  test("an object with middleware() is a provider too (a @harpia/session Session fits)", async () => {
    const provider = {
      middleware: (settings: SessionSettings) => (_req: any, res: any, next: any) => {
        res.header("x-session-ttl", String(settings.ttlSeconds));
        return next();
      },
    };
    const app = await build({ session: { provider, ttl: 60_000 } }, (a) => {
      a.get("/", () => "ok");
    });
    expect((await app.request("/")).headers.get("x-session-ttl")).toBe("60");
  });

  test("a plugin provider is installed as it is; a factory may return a plugin", async () => {
    const installs: string[] = [];
    const sessionPlugin = (name: string) =>
      definePlugin({
        name: "test-session",
        setup(app) {
          installs.push(name);
          app.addHook("onSend", (_req, res) => void res.header("x-session", name));
        },
      });
    const direct = await build({ session: { provider: sessionPlugin("direct") } }, (a) => {
      a.get("/", () => "ok");
    });
    expect((await direct.request("/")).headers.get("x-session")).toBe("direct");
    expect(direct.hasPlugin("test-session")).toBe(true);
    const received: number[] = [];
    const made = await build(
      {
        session: {
          ttl: 120_000,
          provider: async ({ ttlSeconds }) => {
            received.push(ttlSeconds);
            return sessionPlugin("made");
          },
        },
      },
      (a) => {
        a.get("/", () => "ok");
      },
    );
    expect(received).toEqual([120]);
    expect((await made.request("/")).headers.get("x-session")).toBe("made");
    expect(installs).toEqual(["direct", "made"]);
  });

  test("no session config, no sessions; a bad provider fails at start", async () => {
    const used: string[] = [];
    await build({}, () => used.push("routes"));
    expect(used).toEqual(["routes"]);
    const error = await new Preset()
      .on("start", () => false)
      .createApp({ logger: false, session: { provider: { nope: true } as never } })
      .catch((e) => e);
    expect(error.step).toBe("configure.session");
    expect(error.message).toContain("config.session.provider must be a plugin, a function");
    const empty = await new Preset()
      .on("start", () => false)
      .createApp({ logger: false, session: { provider: () => "nothing" as never } })
      .catch((e) => e);
    expect(empty.message).toContain("gave neither a plugin nor a middleware");
    await expect(new Preset().createApp({ session: { provider: () => () => {}, ttl: -1 } })).rejects.toThrow(
      "config.session.ttl must be a positive number of milliseconds, got -1",
    );
  });

  test("cancelling configure.session installs nothing", async () => {
    let made = 0;
    const preset = new Preset().on("start", () => false).on("configure.session", () => false);
    await preset.createApp({
      logger: false,
      session: {
        provider: () => {
          made++;
          return (_req, _res, next) => next();
        },
      },
    });
    expect(made).toBe(0);
  });
});

describe("headers", () => {
  test("no X-Powered-By, on success and on errors", async () => {
    const app = await build({ logErrors: false }, (a) => {
      a.get("/", () => "ok");
      a.get("/fail", () => {
        throw new HttpError(409, "conflict");
      });
    });
    for (const url of ["/", "/fail", "/missing"]) {
      expect((await app.request(url)).headers.has("x-powered-by")).toBe(false);
    }
  });
});
