import { describe, expect, test } from "bun:test";
import path from "node:path";
import { Preset, type PresetApp } from "./index";

const LOCAL = { hostname: "127.0.0.1", port: 0 };

async function read(response: Response): Promise<{ status: number; body: unknown }> {
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("json");
  return { status: response.status, body: json ? JSON.parse(text) : text };
}

describe("health probes (installed by default)", () => {
  test("while starting: /healthz 200, /readyz 503 not_ready, the rest 503; from ready on /readyz 200", async () => {
    const seen: Record<string, { status: number; body: unknown }> = {};
    const preset = new Preset()
      .on("configure.routes", (app) => {
        app.get("/hello", () => "hello");
      })
      .on("ready", async (_app, _config, { servers }) => {
        for (const probe of ["/healthz", "/readyz", "/hello"])
          seen[probe] = await read(await fetch(new URL(probe, servers!.main.url)));
      });
    const built = await preset.createApp({ logger: false, server: LOCAL });
    try {
      expect(seen["/healthz"]).toEqual({ status: 200, body: { status: "ok" } });
      expect(seen["/readyz"]).toEqual({ status: 503, body: { status: "not_ready" } });
      expect(seen["/hello"]!.status).toBe(503);
      expect(await read(await fetch(new URL("/readyz", built.url)))).toEqual({
        status: 200,
        body: { status: "ok" },
      });
      expect(built.health?.isReady()).toBe(true);
    } finally {
      await built.close({ timeout: 1_000 });
    }
  });

  test("readiness is the ready step's: listening alone does not make the app ready", async () => {
    let readyWhileStarting: boolean | undefined;
    const built = await new Preset()
      .on("ready", (_app, _config, { health }) => {
        readyWhileStarting = health!.isReady();
      })
      .createApp({ logger: false, server: LOCAL });
    try {
      expect(readyWhileStarting).toBe(false);
      expect(built.health!.isReady()).toBe(true);
    } finally {
      await built.close({ timeout: 1_000 });
    }
  });

  test("without servers (start cancelled) the ready step still marks the app ready", async () => {
    const { app, health } = await new Preset().on("start", () => false).createApp({ logger: false });
    expect((await app.request("/readyz")).status).toBe(200);
    health!.setReady(false); // out of rotation, e.g. for maintenance
    expect(await read(await app.request("/readyz"))).toEqual({ status: 503, body: { status: "not_ready" } });
  });

  test("cancelling ready leaves readiness to the app", async () => {
    const { app, health } = await new Preset()
      .on("start", () => false)
      .on("ready", () => false)
      .createApp({ logger: false });
    expect((await app.request("/readyz")).status).toBe(503);
    health!.setReady(true);
    expect((await app.request("/readyz")).status).toBe(200);
  });

  test("config.health: options reach the probes; false installs none", async () => {
    const { app, health } = await new Preset()
      .on("start", () => false)
      .createApp({
        logger: false,
        health: { live: "/_live", ready: "/_ready", checks: { db: () => false } },
      });
    expect(health!.paths).toEqual({ live: "/_live", ready: "/_ready" });
    expect((await app.request("/_live")).status).toBe(200);
    expect(await read(await app.request("/_ready"))).toEqual({
      status: 503,
      body: { status: "fail", checks: { db: "fail" } },
    });
    expect((await app.request("/healthz")).status).toBe(404);

    const none = await new Preset().on("start", () => false).createApp({ logger: false, health: false });
    expect(none.health).toBeUndefined();
    expect(none.app.hasPlugin("@harpia/health")).toBe(false);
    expect((await none.app.request("/healthz")).status).toBe(404);
  });

  test("bad health options fail createApp with a TypeError naming the option", async () => {
    await expect(new Preset().createApp({ health: { timeout: -1 } })).rejects.toThrow("health({ timeout })");
  });
});

describe("close()", () => {
  test("graceful: /readyz 503 at once, in-flight requests finish, onClose hooks run, the port closes", async () => {
    const entered = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const closed: string[] = [];
    const built: PresetApp = await new Preset()
      .on("configure.routes", (app) => {
        app.get("/slow", async () => {
          entered.resolve();
          await release.promise;
          return "slow done";
        });
        app.onClose(() => void closed.push("hook"));
      })
      .createApp({ logger: false, server: LOCAL });
    const url = built.url!;
    const inFlight = fetch(new URL("/slow", url)).then((r) => r.text());
    await entered.promise;

    const closing = built.close({ timeout: 5_000 });
    expect(built.close()).toBe(closing); // idempotent
    expect(await read(await built.app.request("/readyz"))).toEqual({
      status: 503,
      body: { status: "closing" },
    });
    await expect(fetch(new URL("/healthz", url))).rejects.toThrow(); // no new connections
    expect(closed).toEqual([]);
    release.resolve();
    expect(await inFlight).toBe("slow done");
    await closing;
    expect(closed).toEqual(["hook"]);
  });

  test("stop() is close(); stop(true) does not wait for requests in flight", async () => {
    const closed: string[] = [];
    const entered = Promise.withResolvers<void>();
    const built = await new Preset()
      .on("configure.routes", (app) => {
        app.get("/hang", async () => {
          entered.resolve();
          await Bun.sleep(10_000);
          return "late";
        });
        app.onClose(() => void closed.push("hook"));
      })
      .createApp({ logger: false, server: LOCAL });
    const hung = fetch(new URL("/hang", built.url)).then(
      () => "answered",
      () => "cut",
    );
    await entered.promise;
    const started = performance.now();
    await built.stop(true);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await hung).toBe("cut");
    expect(closed).toEqual(["hook"]); // plugins' resources are closed too
    expect(built.app.closing).toBe(true);
  });

  test("a failing step closes the app: servers stopped and onClose hooks run", async () => {
    const closed: string[] = [];
    let url: URL | undefined;
    const error = await new Preset()
      .on("init", (app) => {
        app.onClose(() => void closed.push("hook"));
      })
      .on("ready", (_app, _config, { servers }) => {
        url = servers!.main.url;
        throw new Error("cache warm-up failed");
      })
      .createApp({ logger: false, server: LOCAL })
      .catch((e) => e);
    expect(error.step).toBe("ready");
    await expect(fetch(url!)).rejects.toThrow();
    expect(closed).toEqual(["hook"]);
  });
});

describe("server.shutdownOnSignals", () => {
  test("SIGTERM: the request in flight completes, new connections are refused, the process exits 0", async () => {
    const child = Bun.spawn(["bun", path.join(import.meta.dir, "../test/support/signal-app.ts")], {
      env: { ...process.env, SLOW_MS: "1500" },
      stdout: "pipe",
      stderr: "inherit",
    });
    try {
      const lines: string[] = [];
      const reader = child.stdout.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      const readLine = async (match: (line: string) => boolean): Promise<string> => {
        for (;;) {
          const found = lines.find(match);
          if (found !== undefined) return found;
          const { value, done } = await reader.read();
          if (done) throw new Error(`the app ended before printing the line; got ${JSON.stringify(lines)}`);
          buffer += decoder.decode(value);
          const parts = buffer.split("\n");
          buffer = parts.pop()!;
          lines.push(...parts);
        }
      };
      const port = Number((await readLine((l) => l.startsWith("ready "))).split(" ")[1]);
      const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
      await readLine((l) => l === "slow started");
      child.kill("SIGTERM");
      // The child handles the signal when its event loop gets to it: wait (bounded) for the refusal.
      let refused = false;
      for (let i = 0; i < 40 && !refused; i++) {
        refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          () => false,
          () => true,
        );
        if (!refused) await Bun.sleep(25);
      }
      expect(refused).toBe(true);
      expect(await inFlight).toBe("slow done");
      await readLine((l) => l === "closed");
      const code = await Promise.race([child.exited, Bun.sleep(5_000).then(() => "still running")]);
      expect(code).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
