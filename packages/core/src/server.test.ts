import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia from "./index";

describe("listen() validation", () => {
  const app = harpia();

  test.each([
    [{ port: 3000, unix: "/tmp/x.sock" }, "use either `port` or `unix`, not both"],
    [{ unix: "/tmp/x.sock", tls: { cert: "c", key: "k" } }, "`tls` cannot be used with a `unix` socket"],
    [{ port: 70000 }, "`port` must be an integer from 0 to 65535, got 70000"],
    [{ port: -1 }, "got -1"],
    [{ port: 1.5 }, "got 1.5"],
    [{ maxRequestBodySize: 0 }, "listen({ maxRequestBodySize }): expected a positive whole number of bytes"],
    [
      { maxRequestBodySize: Number.NaN },
      "listen({ maxRequestBodySize }): expected a positive whole number of bytes",
    ],
    [{ maxRequestBodySize: 1.5 }, "got 1.5"],
    [{ unix: "" }, "`unix` must be a non-empty socket path"],
  ])("%j is refused", (options, message) => {
    expect(() => app.listen(options as never)).toThrow(message);
  });
});

describe("a server on a free port", () => {
  const app = harpia();
  app.get("/", () => "hello");
  app.get("/slow", async () => {
    await Bun.sleep(150);
    return "finished";
  });
  let fromCallback: number | undefined;
  const handle = app.listen({ port: 0, hostname: "127.0.0.1" }, (h) => {
    fromCallback = h.port;
  });
  afterAll(() => handle.stop(true));

  test("port 0 binds a free port reported by the handle and the callback", async () => {
    expect(handle.port).toBeGreaterThan(0);
    expect(fromCallback).toBe(handle.port!);
    expect(handle.url.href).toBe(`http://127.0.0.1:${handle.port}/`);
    expect(await (await fetch(handle.url)).text()).toBe("hello");
  });
});

describe("app.stop()", () => {
  test("lets in-flight requests finish, then refuses new connections", async () => {
    const app = harpia();
    app.get("/slow", async () => {
      await Bun.sleep(200);
      return "finished";
    });
    const { url } = app.listen({ port: 0, hostname: "127.0.0.1" });
    const inFlight = fetch(new URL("/slow", url)).then((r) => r.text());
    await Bun.sleep(50);
    const stopped = app.stop();
    expect(await inFlight).toBe("finished");
    await stopped;
    expect(fetch(url)).rejects.toThrow();
  });
});

describe("listen(port, callback), the seed's short form", () => {
  test("a number is the port", async () => {
    const app = harpia();
    app.get("/", () => "short");
    // Port 0 keeps the test independent of free ports; the seed writes app.listen(3000, cb).
    const handle = app.listen(0, () => {});
    try {
      expect(await (await fetch(`http://127.0.0.1:${handle.port}/`)).text()).toBe("short");
    } finally {
      await handle.stop(true);
    }
  });
});

describe("unix sockets", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("serves on a socket file", async () => {
    const app = harpia();
    app.get("/", () => "over unix");
    const socket = path.join(dir, "app.sock");
    const handle = app.listen({ unix: socket });
    try {
      expect(handle.port).toBeUndefined();
      const res = await fetch("http://localhost/", { unix: socket } as RequestInit);
      expect(await res.text()).toBe("over unix");
    } finally {
      await handle.stop(true);
    }
  });
});

describe("reusePort", () => {
  test("two apps share one port", async () => {
    const a = harpia();
    a.get("/", () => "a");
    const b = harpia();
    b.get("/", () => "b");
    const first = a.listen({ port: 0, hostname: "127.0.0.1", reusePort: true });
    const second = b.listen({ port: first.port, hostname: "127.0.0.1", reusePort: true });
    try {
      expect(second.port).toBe(first.port!);
      const answers = new Set<string>();
      for (let i = 0; i < 40 && answers.size < 2; i++) {
        answers.add(await (await fetch(first.url, { headers: { connection: "close" } })).text());
      }
      expect([...answers].every((x) => x === "a" || x === "b")).toBe(true);
    } finally {
      await Promise.all([first.stop(true), second.stop(true)]);
    }
  });
});

describe("TLS", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "harpia-tls-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("serves HTTPS with a certificate and key", async () => {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    const gen = Bun.spawnSync([
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]);
    expect(gen.exitCode).toBe(0);
    const app = harpia();
    app.get("/", (req) => ({ secure: req.url.startsWith("https:") }));
    const handle = app.listen({
      port: 0,
      hostname: "127.0.0.1",
      tls: { key: Bun.file(key), cert: Bun.file(cert) },
    });
    try {
      const res = await fetch(`https://127.0.0.1:${handle.port}/`, {
        tls: { rejectUnauthorized: false },
      } as RequestInit);
      expect(await res.json()).toEqual({ secure: true });
    } finally {
      await handle.stop(true);
    }
  });
});

describe("a throwing handler never brings the process down", () => {
  test("errors under load over a socket are answered one by one", async () => {
    const app = harpia({ logErrors: false });
    app.get("/boom", async () => {
      await Bun.sleep(1);
      throw new Error("boom");
    });
    app.get("/ok", () => "ok");
    const handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, () => fetch(new URL("/boom", handle.url)).then((r) => r.status)),
      );
      expect(new Set(statuses)).toEqual(new Set([500]));
      expect(await (await fetch(new URL("/ok", handle.url))).text()).toBe("ok");
    } finally {
      await handle.stop(true);
    }
  });
});
