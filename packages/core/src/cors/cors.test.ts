import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CorsOptions, cors, harpia, Router } from "../index";
import { mergeVary } from "../utils/vary";

const ORIGIN = "https://app.example.com";

function preflight(origin = ORIGIN, method = "PUT", requestHeaders?: string): RequestInit {
  const headers: Record<string, string> = { origin, "access-control-request-method": method };
  if (requestHeaders) headers["access-control-request-headers"] = requestHeaders;
  return { method: "OPTIONS", headers };
}

function appWith(options?: CorsOptions) {
  const app = harpia({ logErrors: false });
  app.cors(options);
  app.get("/books", (_req, res) => res.json([{ id: 1 }]));
  app.put("/books", (_req, res) => res.json({ updated: true }));
  return app;
}

describe("app.cors() defaults (like the Express cors package)", () => {
  const app = appWith();

  test("an actual request gets Access-Control-Allow-Origin: * and no Vary", async () => {
    const res = await app.request("/books", { headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("vary")).toBeNull();
  });

  test("a preflight is answered 204 with the default methods and the requested headers reflected", async () => {
    const res = await app.request("/books", preflight(ORIGIN, "PUT", "X-Token, Content-Type"));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,HEAD,PUT,PATCH,POST,DELETE");
    expect(res.headers.get("access-control-allow-headers")).toBe("X-Token, Content-Type");
    expect(res.headers.get("vary")).toContain("Access-Control-Request-Headers");
    expect(res.headers.get("allow")).toBeNull();
    expect(await res.text()).toBe("");
  });

  test("a preflight is answered even where no route exists for the path or the method", async () => {
    const unknownPath = await app.request("/nowhere", preflight());
    expect(unknownPath.status).toBe(204);
    expect(unknownPath.headers.get("access-control-allow-origin")).toBe("*");
    const otherMethod = await app.request("/books", preflight(ORIGIN, "DELETE"));
    expect(otherMethod.status).toBe(204);
  });

  test("requests without an Origin pass untouched", async () => {
    const res = await app.request("/books");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const options = await app.request("/books", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toContain("PUT");
    expect(options.headers.get("access-control-allow-methods")).toBeNull();
  });

  test("an OPTIONS with an Origin but no Access-Control-Request-Method is not a preflight", async () => {
    const res = await app.request("/books", { method: "OPTIONS", headers: { origin: ORIGIN } });
    expect(res.headers.get("allow")).toContain("GET");
    expect(res.headers.get("access-control-allow-methods")).toBeNull();
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("error and 404 responses carry the CORS headers too, so the browser can read them", async () => {
    const res = await app.request("/missing", { headers: { origin: ORIGIN } });
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("origin option", () => {
  const cases: [string, CorsOptions["origin"], string, string | null][] = [
    ["a matching string", ORIGIN, ORIGIN, ORIGIN],
    ["a string with a trailing slash", `${ORIGIN}/`, ORIGIN, ORIGIN],
    ["a different string", "https://other.example", ORIGIN, null],
    ["true reflects", true, ORIGIN, ORIGIN],
    ["a RegExp", /\.example\.com$/, ORIGIN, ORIGIN],
    ["a RegExp that does not match", /\.example\.org$/, ORIGIN, null],
    ["a list", ["https://x.test", /app\.example/], ORIGIN, ORIGIN],
    ["a list without it", ["https://x.test"], ORIGIN, null],
  ];
  for (const [name, origin, requestOrigin, expected] of cases) {
    test(`${name}: ${expected ?? "no allow headers"} and Vary: Origin`, async () => {
      const app = appWith({ origin, exposedHeaders: ["X-Total"] });
      const res = await app.request("/books", { headers: { origin: requestOrigin } });
      expect(res.headers.get("access-control-allow-origin")).toBe(expected);
      expect(res.headers.get("access-control-expose-headers")).toBe(expected ? "X-Total" : null);
      expect(res.headers.get("vary")).toContain("Origin");
      const pre = await app.request("/books", preflight(requestOrigin));
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(expected);
      expect(pre.headers.get("access-control-allow-methods")).toBe(
        expected ? "GET,HEAD,PUT,PATCH,POST,DELETE" : null,
      );
    });
  }

  test('the opaque origin "null" is echoed only when listed explicitly', async () => {
    const anyOrigin: CorsOptions[] = [
      { origin: true },
      { origin: () => true, credentials: true },
      { origin: () => "*", credentials: true },
    ];
    for (const options of anyOrigin) {
      const app = appWith(options);
      const res = await app.request("/books", { headers: { origin: "null" } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const listed = appWith({ origin: ["null"], credentials: true });
    const res = await listed.request("/books", { headers: { origin: "null" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("null");
  });

  test("a global RegExp is not stateful between requests", async () => {
    const app = appWith({ origin: /example\.com/g });
    for (let i = 0; i < 4; i++) {
      const res = await app.request("/books", { headers: { origin: ORIGIN } });
      expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    }
  });

  test("origin: false turns CORS off", async () => {
    const app = appWith({ origin: false });
    const res = await app.request("/books", { headers: { origin: ORIGIN } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const pre = await app.request("/books", preflight());
    expect(pre.headers.get("access-control-allow-methods")).toBeNull();
  });

  test("an async function decides per request and sees the request", async () => {
    const seen: string[] = [];
    const app = appWith({
      origin: async (origin, req) => {
        seen.push(req.path);
        await Bun.sleep(1);
        return origin.endsWith(".example.com");
      },
    });
    const allowed = await app.request("/books", { headers: { origin: ORIGIN } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const refused = await app.request("/books", { headers: { origin: "https://evil.test" } });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(refused.status).toBe(200);
    expect(seen).toEqual(["/books", "/books"]);
  });

  test("a function may return a list or a RegExp", async () => {
    const app = appWith({ origin: () => [/\.example\.com$/] });
    const res = await app.request("/books", { headers: { origin: ORIGIN } });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  test("an origin function that throws is answered by the error handler, not left hanging", async () => {
    const app = appWith({
      origin: () => {
        throw new Error("lookup failed");
      },
    });
    const res = await app.request("/books", { headers: { origin: ORIGIN } });
    expect(res.status).toBe(500);
  });
});

describe("credentials, headers, maxAge, status", () => {
  test("credentials with any origin are refused at registration, with a clear error", () => {
    for (const origin of [undefined, "*", true, ["https://a.example", "*"]] as const) {
      const options: CorsOptions = { origin, credentials: true };
      expect(() => harpia().cors(options)).toThrow(/credentials: true` needs the allowed origins listed/);
      expect(() => harpia().cors(options, "/api")).toThrow(TypeError);
      expect(() => cors(options)).toThrow(/every website could send requests with your users' cookies/);
    }
    // Listing origins, a pattern or a function is fine; so is any origin without credentials.
    expect(() => harpia().cors({ origin: ORIGIN, credentials: true })).not.toThrow();
    expect(() => harpia().cors({ origin: [ORIGIN, /\.example\.com$/], credentials: true })).not.toThrow();
    expect(() => harpia().cors({ origin: (o) => o === ORIGIN, credentials: true })).not.toThrow();
    expect(() => harpia().cors({ origin: "*" })).not.toThrow();
  });

  test("an origin function allowing any origin with credentials gets it echoed, never *", async () => {
    for (const origin of [() => "*" as const, () => true]) {
      const app = appWith({ origin, credentials: true });
      const res = await app.request("/books", { headers: { origin: ORIGIN } });
      expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("vary")).toContain("Origin");
    }
  });

  test("the seed's full example", async () => {
    const corsOptions: CorsOptions = {
      origin: "https://example.com",
      methods: ["GET", "POST"],
      allowedHeaders: ["Content-Type", "Authorization"],
      exposedHeaders: ["X-Custom-Header"],
      credentials: true,
      maxAge: 3600,
      optionsSuccessStatus: 200,
    };
    const app = appWith(corsOptions);
    const pre = await app.request("/books", preflight("https://example.com", "POST", "x-anything"));
    expect(pre.status).toBe(200);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://example.com");
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("Content-Type,Authorization");
    expect(pre.headers.get("access-control-allow-credentials")).toBe("true");
    expect(pre.headers.get("access-control-max-age")).toBe("3600");
    const actual = await app.request("/books", { headers: { origin: "https://example.com" } });
    expect(actual.headers.get("access-control-expose-headers")).toBe("X-Custom-Header");
    expect(actual.headers.get("access-control-max-age")).toBeNull();
  });

  test('methods: "*" allows the requested method', async () => {
    const app = appWith({ origin: ORIGIN, methods: "*", credentials: true });
    const pre = await app.request("/books", preflight(ORIGIN, "PROPFIND"));
    expect(pre.headers.get("access-control-allow-methods")).toBe("PROPFIND");
    expect(pre.headers.get("vary")).toContain("Access-Control-Request-Method");
  });

  test("preflightContinue hands the preflight to the OPTIONS route with the headers already set", async () => {
    const app = harpia();
    app.cors({ preflightContinue: true });
    app.options("/books", (_req, res) => res.status(200).text("custom preflight"));
    const res = await app.request("/books", preflight());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("custom preflight");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("preflights never reach middleware registered before app.cors()", async () => {
    const app = harpia();
    app.use((_req, res) => {
      res.status(401).json({ error: "unauthorized" });
    });
    app.cors({ origin: ORIGIN });
    app.get("/private", (_req, res) => res.text("secret"));
    const pre = await app.request("/private", preflight());
    expect(pre.status).toBe(204);
    const actual = await app.request("/private", { headers: { origin: ORIGIN } });
    expect(actual.status).toBe(401);
    expect(actual.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  test("invalid options fail at registration", () => {
    expect(() => cors({ optionsSuccessStatus: 500 })).toThrow(/optionsSuccessStatus/);
    expect(() => cors({ maxAge: -1 })).toThrow(/maxAge/);
    expect(() => cors({ origin: 42 as never })).toThrow(/origin/);
    expect(() => harpia().cors({}, "/books/:id")).toThrow(/plain path/);
  });

  test("an origin that could never match (a path, a bare host) fails at registration", async () => {
    expect(() => cors({ origin: "https://app.example/admin" })).toThrow(/cors origin.*not an origin/);
    expect(() => cors({ origin: ["https://app.example", "app.example"] })).toThrow(/not an origin/);
    // A trailing slash names the same origin, and "null" stays allowed when listed.
    const app = harpia();
    app.cors({ origin: ["https://app.example/", "null"] });
    app.get("/x", (_req, res) => res.send("ok"));
    for (const origin of ["https://app.example", "null"]) {
      const res = await app.fetch(new Request("http://127.0.0.1/x", { headers: { origin } }));
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    }
  });
});

describe("per-path CORS (the seed's app.cors(options, path))", () => {
  const books = Router();
  books.get("/books", (_req, res) => res.json([]));
  books.get("/books/:id", (req, res) => res.json({ id: req.params.id }));
  const app = harpia();
  app.routes(books);
  app.get("/authors", (_req, res) => res.json([]));
  app.cors({ origin: "*" });
  app.cors({ origin: "https://example.com", methods: "GET" }, "/books");

  test("the most specific path's options apply, to the path and below", async () => {
    for (const path of ["/books", "/books/7"]) {
      const allowed = await app.request(path, { headers: { origin: "https://example.com" } });
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://example.com");
      const refused = await app.request(path, { headers: { origin: ORIGIN } });
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    }
    const pre = await app.request("/books", preflight("https://example.com", "GET"));
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET");
  });

  test("other paths keep the global options; /booksx is not under /books", async () => {
    const authors = await app.request("/authors", { headers: { origin: ORIGIN } });
    expect(authors.headers.get("access-control-allow-origin")).toBe("*");
    const lookalike = await app.request("/booksx", preflight());
    expect(lookalike.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("calling app.cors again for the same path replaces its options", async () => {
    const replaced = harpia();
    replaced.cors({ origin: "https://one.test" });
    replaced.cors({ origin: "https://two.test" });
    replaced.get("/", (_req, res) => res.text("ok"));
    const res = await replaced.request("/", { headers: { origin: "https://two.test" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://two.test");
  });
});

describe("Vary", () => {
  test("a Response returned by a handler keeps its own Vary and gains Origin", async () => {
    const app = harpia();
    app.cors({ origin: [ORIGIN] });
    app.get("/negotiated", () => new Response("hi", { headers: { vary: "Accept" } }));
    const res = await app.request("/negotiated", { headers: { origin: ORIGIN } });
    expect(res.headers.get("vary")).toBe("Accept, Origin");
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  test("mergeVary adds each field once, case-insensitively, and respects *", () => {
    expect(mergeVary(null, "Origin")).toBe("Origin");
    expect(mergeVary("Accept", "origin, Accept")).toBe("Accept, origin");
    expect(mergeVary("Origin", "ORIGIN")).toBe("Origin");
    expect(mergeVary("*", "Origin")).toBe("*");
    expect(mergeVary("Origin", "*")).toBe("*");
  });
});

describe("cors() middleware", () => {
  test("works on a path with app.use, including preflights without an OPTIONS route", async () => {
    const app = harpia();
    app.use("/api", cors({ origin: ORIGIN }));
    app.post("/api/items", (_req, res) => res.status(201).json({}));
    app.get("/public", (_req, res) => res.text("ok"));
    const pre = await app.request("/api/items", preflight(ORIGIN, "POST"));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const outside = await app.request("/public", { headers: { origin: ORIGIN } });
    expect(outside.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS over a real socket", () => {
  const app = appWith({ origin: ORIGIN, credentials: true });
  let base = "";
  beforeAll(() => {
    base = app.listen({ port: 0, hostname: "127.0.0.1" }).url.href.replace(/\/$/, "");
  });
  afterAll(() => app.stop(true));

  test("preflight and actual request", async () => {
    const pre = await fetch(`${base}/books`, preflight(ORIGIN, "PUT", "content-type"));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(pre.headers.get("access-control-allow-headers")).toBe("content-type");
    const put = await fetch(`${base}/books`, { method: "PUT", headers: { origin: ORIGIN } });
    expect(put.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(put.headers.get("access-control-allow-credentials")).toBe("true");
    expect(await put.json()).toEqual({ updated: true });
  });
});
