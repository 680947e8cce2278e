import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harpia, type StaticOptions } from "../index";

/** A file's time well in the past: its ETag is strong, so it is served natively at once. */
const PAST = new Date("2024-03-01T12:00:00Z");

let root: string;

function put(relative: string, content: string, time: Date = PAST): void {
  const path = join(root, relative);
  writeFileSync(path, content);
  utimesSync(path, time, time);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "harpia-native-static-"));
  mkdirSync(join(root, "css"));
  put("index.html", "<!doctype html><title>home</title>");
  put("app.js", "console.log('hello');\n".repeat(40));
  put("css/site.css", "body { color: #123; }\n");
  put("data.json", '{"a":1}');
  put("notes.txt", "plain text\n");
  put(".secret", "hidden");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

type Served = { status: number; headers: Record<string, string>; body: string };

async function get(base: string, path: string, init?: RequestInit): Promise<Served> {
  const response = await fetch(base + path, init);
  const headers = Object.fromEntries(response.headers);
  delete headers.date;
  return { status: response.status, headers, body: await response.text() };
}

/**
 * The same mount served twice: natively (the default) and on the JS path (`native: false`),
 * with a count of `setHeaders` calls on the native one (once per file version when native).
 */
function pair(options: StaticOptions, setHeaders = false) {
  let calls = 0;
  const hook: StaticOptions["setHeaders"] = (res, filePath) => {
    if (filePath.endsWith(".js")) res.header("x-script", "yes");
    res.header("x-file-size", "set");
  };
  const nativeApp = harpia({ logErrors: false }).static(root, {
    ...options,
    setHeaders: setHeaders
      ? (res, filePath, info) => {
          calls++;
          hook(res, filePath, info);
        }
      : undefined,
  });
  const jsApp = harpia({ logErrors: false }).static(root, {
    ...options,
    native: false,
    setHeaders: setHeaders ? hook : undefined,
  });
  const native = nativeApp.listen({ port: 0, hostname: "127.0.0.1" });
  const js = jsApp.listen({ port: 0, hostname: "127.0.0.1" });
  return {
    native: `http://127.0.0.1:${native.port}`,
    js: `http://127.0.0.1:${js.port}`,
    calls: () => calls,
    stop: async () => {
      await native.stop(true);
      await js.stop(true);
    },
  };
}

const FILES = ["/index.html", "/app.js", "/css/site.css", "/data.json", "/notes.txt"];

const CASES: [string, StaticOptions, boolean][] = [
  ["defaults", {}, false],
  ["no ETag, no Last-Modified", { etag: false, lastModified: false }, false],
  ["cache control and no ranges", { maxAge: "7d", immutable: true, acceptRanges: false }, false],
  ["setHeaders", { cacheControl: "no-cache" }, true],
  ["a prefix", { prefix: "/assets" }, true],
];

describe("static files from Bun's route table", () => {
  for (const [name, options, setHeaders] of CASES) {
    test(`give the JS path's status, headers and bytes: ${name}`, async () => {
      const servers = pair(options, setHeaders);
      const prefix = options.prefix ?? "";
      try {
        for (const file of FILES) {
          const expected = await get(servers.js, prefix + file);
          expect(expected.status).toBe(200);
          expect(await get(servers.native, prefix + file)).toEqual(expected);
        }
        if (setHeaders) {
          // Prepared once per file at listen; the requests above did not call it again.
          const calls = servers.calls();
          expect(calls).toBe(FILES.length);
          await get(servers.native, `${prefix}/app.js`);
          expect(servers.calls()).toBe(calls);
        }
      } finally {
        await servers.stop();
      }
    });
  }

  test("conditional, range, HEAD and other requests get the JS path's answers", async () => {
    const servers = pair({}, true);
    try {
      const { headers } = await get(servers.js, "/app.js");
      const requests: [string, RequestInit][] = [
        ["/app.js", { headers: { "if-none-match": headers.etag! } }],
        ["/app.js", { headers: { "if-none-match": '"other"' } }],
        ["/app.js", { headers: { "if-modified-since": headers["last-modified"]! } }],
        ["/app.js", { headers: { "if-match": '"other"' } }],
        ["/app.js", { headers: { "if-unmodified-since": "Mon, 01 Jan 2001 00:00:00 GMT" } }],
        ["/app.js", { headers: { range: "bytes=0-9" } }],
        ["/app.js", { headers: { range: "bytes=5000-" } }],
        ["/app.js", { headers: { range: "bytes=0-9", "if-range": headers.etag! } }],
        ["/app.js", { method: "HEAD" }],
        ["/app.js", { method: "POST", body: "x" }],
        ["/app.js", { method: "DELETE" }],
        ["/app.js/", {}],
        ["/app.js?v=3", {}],
        ["/.secret", {}],
        ["/css", {}],
        ["/", {}],
        ["/missing.js", {}],
      ];
      for (const [path, init] of requests) {
        const expected = await get(servers.js, path, init);
        expect({ path, init, ...(await get(servers.native, path, init)) }).toEqual({
          path,
          init,
          ...expected,
        });
      }
    } finally {
      await servers.stop();
    }
  });

  test("a changed file is served in its new version, a removed one no more", async () => {
    put("live.txt", "first version");
    const servers = pair({}, true);
    /** Polls until both servers' answers to `path` pass `check` (the JS path's stat cache lives 1 s). */
    const until = async (path: string, check: (served: Served) => boolean) => {
      for (let i = 0; i < 60; i++) {
        const [native, js] = [await get(servers.native, path), await get(servers.js, path)];
        if (check(native) && check(js)) return { native, js };
        await Bun.sleep(100);
      }
      throw new Error(`${path} never reached the expected answer`);
    };
    try {
      expect((await get(servers.native, "/live.txt")).body).toBe("first version");
      const before = servers.calls();
      put("live.txt", "the second version, longer", new Date("2024-03-02T12:00:00Z"));
      // Both describe the new version once their metadata is refreshed (within a second).
      const changed = await until(
        "/live.txt",
        (s) => s.headers["last-modified"] === "Sat, 02 Mar 2024 12:00:00 GMT",
      );
      expect(changed.native).toEqual(changed.js);
      expect(changed.native.body).toBe("the second version, longer");
      // Prepared again for the new version (once), then served without running the mount.
      await get(servers.native, "/live.txt");
      const after = servers.calls();
      expect(after).toBeGreaterThan(before);
      await get(servers.native, "/live.txt");
      expect(servers.calls()).toBe(after);
      unlinkSync(join(root, "live.txt"));
      const removed = await until("/live.txt", (s) => s.status === 404);
      expect(removed.native).toEqual(removed.js);
      put("fresh.txt", "added while listening");
      const added = await until("/fresh.txt", (s) => s.status === 200);
      expect(added.native).toEqual(added.js);
    } finally {
      await servers.stop();
      rmSync(join(root, "fresh.txt"), { force: true });
    }
  });

  test("a file a route, a middleware or a hook would see is left to the JS path", async () => {
    let calls = 0;
    const setHeaders = () => {
      calls++;
    };
    const count = async (app: ReturnType<typeof harpia>, path: string) => {
      const server = app.listen({ port: 0, hostname: "127.0.0.1" });
      try {
        const start = calls;
        for (let i = 0; i < 3; i++) await get(`http://127.0.0.1:${server.port}`, path);
        return calls - start;
      } finally {
        await server.stop(true);
      }
    };
    // Natively: setHeaders ran once, at listen.
    expect(await count(harpia().static(root, { setHeaders }), "/notes.txt")).toBe(0);
    const routed = harpia().static(root, { setHeaders });
    routed.get("/notes.txt", (_req, res) => res.send("route"));
    expect(await count(routed, "/notes.txt")).toBe(0);
    expect(await count(routed, "/app.js")).toBe(0);
    const withMiddleware = harpia().static(root, { setHeaders });
    withMiddleware.use((_req, res, next) => {
      res.header("x-mw", "1");
      return next();
    });
    expect(await count(withMiddleware, "/notes.txt")).toBe(3);
    const withHook = harpia().static(root, { setHeaders });
    withHook.addHook("onSend", () => {});
    expect(await count(withHook, "/notes.txt")).toBe(3);
    // An earlier mount under whose prefix the path falls is tried first by the JS path.
    const shadowed = harpia().static(join(root, "css"), { prefix: "/" }).static(root, { setHeaders });
    expect(await count(shadowed, "/notes.txt")).toBe(3);
  });

  test("a route or a middleware added while listening takes the files back at once", async () => {
    const app = harpia().static(root);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await get(base, "/notes.txt")).body).toBe("plain text\n");
      app.get("/notes.txt", (_req, res) => res.send("from a route"));
      expect((await get(base, "/notes.txt")).body).toBe("from a route");
      app.use((_req, res, next) => {
        res.header("x-mw", "yes");
        return next();
      });
      expect((await get(base, "/data.json")).headers["x-mw"]).toBe("yes");
    } finally {
      await server.stop(true);
    }
  });

  test("a closing app's files take the JS path (a drain refuses them, Connection: close)", async () => {
    const app = harpia().static(root);
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;
    const open = await fetch(`${base}/notes.txt`);
    expect(open.status).toBe(200);
    expect(open.headers.get("connection")).not.toBe("close");
    const closing = app.close({ drain: 300 });
    await Bun.sleep(50);
    const during = await fetch(`${base}/notes.txt`);
    expect([during.status, during.headers.get("connection")]).toEqual([503, "close"]);
    await closing;
  });
});
