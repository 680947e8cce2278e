import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Preset, type PresetApp } from "./index";

const LOCAL = { hostname: "127.0.0.1", port: 0 };

/** A preset with one route; `onReady` runs while the server is up but not yet serving. */
function withRoutes(onReady?: (built: { url: URL; redirect?: number }) => Promise<void>): Preset {
  const preset = new Preset().on("configure.routes", (app) => {
    app.get("/hello", (req) => ({ hello: "world", query: req.query }));
    app.post("/hello", () => "posted");
  });
  if (onReady) {
    preset.on("ready", async (_app, _config, { servers }) => {
      await onReady({ url: servers!.main.url, redirect: servers!.redirect?.port });
    });
  }
  return preset;
}

describe("WebSocket settings", () => {
  test("server.ws reaches Bun: a message over maxPayloadLength closes the socket (1009)", async () => {
    const preset = new Preset().on("configure.routes", (app) => {
      app.ws("/echo", { message: (ws, message) => ws.send(message) });
    });
    const built = await preset.createApp({
      logger: false,
      server: { ...LOCAL, ws: { maxPayloadLength: 64 } },
    });
    try {
      const url = new URL("/echo", built.url!);
      url.protocol = "ws:";
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const echoed = new Promise<string>((resolve) => {
        socket.onmessage = (event) => resolve(String(event.data));
      });
      socket.send("small");
      expect(await echoed).toBe("small");
      const closed = new Promise<number>((resolve) => {
        socket.onclose = (event) => resolve(event.code);
      });
      socket.send("x".repeat(1000));
      expect(await closed).toBe(1009);
    } finally {
      await built.stop(true);
    }
  });
});

describe("plain HTTP", () => {
  let built: PresetApp | undefined;
  const beforeReady: { status: number; retryAfter: string | null; body: string }[] = [];

  beforeAll(async () => {
    built = await withRoutes(async ({ url }) => {
      const response = await fetch(new URL("/hello", url));
      beforeReady.push({
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        body: await response.text(),
      });
    }).createApp({ logger: false, server: LOCAL });
  });

  afterAll(async () => {
    await built?.stop(true);
  });

  test("until ready the server answers 503 with Retry-After", () => {
    expect(beforeReady).toEqual([
      { status: 503, retryAfter: "5", body: "Service Unavailable: the server is starting" },
    ]);
  });

  test("once ready it serves the app, without HSTS on plain HTTP", async () => {
    const response = await fetch(new URL("/hello?x=1", built!.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: "world", query: { x: "1" } });
    expect(response.headers.get("strict-transport-security")).toBeNull();
    expect(response.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
    expect(built!.servers!.redirect).toBeUndefined();
  });

  test("stop() closes the port", async () => {
    const other = await withRoutes().createApp({ logger: false, server: LOCAL });
    const url = other.url!;
    expect((await fetch(new URL("/hello", url))).status).toBe(200);
    await other.stop(true);
    await expect(fetch(new URL("/hello", url))).rejects.toThrow();
  });
});

const openssl = Bun.which("openssl");

describe.skipIf(!openssl)("TLS (self-signed certificate made with openssl)", () => {
  let dir: string;
  let cert: string;
  let built: PresetApp | undefined;
  const beforeReady: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "harpia-preset-tls-"));
    const made = Bun.spawnSync(
      [
        openssl!,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stderr: "pipe" },
    );
    if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
    cert = readFileSync(path.join(dir, "cert.pem"), "utf8");
    const key = readFileSync(path.join(dir, "key.pem"), "utf8");
    built = await withRoutes(async ({ url }) => {
      beforeReady.push((await fetch(new URL("/hello", url), { tls: { ca: cert } })).status);
    }).createApp({ logger: false, server: { ...LOCAL, tls: { cert, key }, httpPort: 0 } });
  });

  afterAll(async () => {
    await built?.stop(true);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("HTTPS serves the app with HSTS; 503 before ready", async () => {
    expect(beforeReady).toEqual([503]);
    expect(built!.url!.protocol).toBe("https:");
    const response = await fetch(new URL("/hello", built!.url), { tls: { ca: cert } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: "world", query: {} });
    expect(response.headers.get("strict-transport-security")).toBe("max-age=15552000; includeSubDomains");
  });

  test("plain HTTP redirects GET and HEAD to HTTPS, keeping path and query", async () => {
    const httpPort = built!.servers!.redirect!.port;
    const httpsPort = built!.url!.port;
    for (const method of ["GET", "HEAD"]) {
      const response = await fetch(`http://127.0.0.1:${httpPort}/hello?x=1&y=2`, {
        method,
        redirect: "manual",
      });
      expect(response.status).toBe(301);
      expect(response.headers.get("location")).toBe(`https://127.0.0.1:${httpsPort}/hello?x=1&y=2`);
    }
  });

  test("plain HTTP answers other methods with 404 and never reaches the app", async () => {
    const httpPort = built!.servers!.redirect!.port;
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await fetch(`http://127.0.0.1:${httpPort}/hello`, {
        method,
        body: "x",
        redirect: "manual",
      });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toBe("posted");
    }
  });

  test("a malformed Host is refused rather than redirected", async () => {
    const httpPort = built!.servers!.redirect!.port;
    const response = await fetch(`http://127.0.0.1:${httpPort}/`, {
      headers: { host: "evil.example/path?" },
      redirect: "manual",
    });
    expect(response.status).toBe(400);
  });

  test("publicUrl fixes the redirect target; hsts options shape the header", async () => {
    const key = readFileSync(path.join(dir, "key.pem"), "utf8");
    const other = await withRoutes().createApp({
      logger: false,
      server: {
        ...LOCAL,
        tls: { cert, key },
        httpPort: 0,
        publicUrl: "https://example.com",
        hsts: { maxAge: 60, includeSubDomains: false, preload: true },
      },
    });
    try {
      const redirect = await fetch(`http://127.0.0.1:${other.servers!.redirect!.port}/a?b=1`, {
        redirect: "manual",
      });
      expect(redirect.headers.get("location")).toBe("https://example.com/a?b=1");
      const response = await fetch(new URL("/hello", other.url), { tls: { ca: cert } });
      expect(response.headers.get("strict-transport-security")).toBe("max-age=60; preload");
    } finally {
      await other.stop(true);
    }
  });

  test("close() stops the redirect server too (so a signal-driven close lets the process end)", async () => {
    const key = readFileSync(path.join(dir, "key.pem"), "utf8");
    const other = await withRoutes().createApp({
      logger: false,
      server: { ...LOCAL, tls: { cert, key }, httpPort: 0 },
    });
    const httpPort = other.servers!.redirect!.port;
    expect((await fetch(`http://127.0.0.1:${httpPort}/`, { redirect: "manual" })).status).toBe(301);
    await other.close({ timeout: 1_000 });
    await expect(fetch(`http://127.0.0.1:${httpPort}/`, { redirect: "manual" })).rejects.toThrow();
    await expect(fetch(other.url!, { tls: { ca: cert } })).rejects.toThrow();
  });

  test("bad hsts options fail at start with core's message", async () => {
    const key = readFileSync(path.join(dir, "key.pem"), "utf8");
    const error = await withRoutes()
      .createApp({
        logger: false,
        server: { ...LOCAL, tls: { cert, key }, httpPort: false, hsts: { maxAge: 1.5 } },
      })
      .catch((e) => e);
    expect(error.step).toBe("start");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toContain("server.hsts.maxAge must be a whole number of seconds, got 1.5");
  });
});

if (!openssl) console.warn("[preset tests] openssl not found: TLS tests skipped");
