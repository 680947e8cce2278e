import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Harpia } from "@harpia/core";
import type { Server } from "bun";
import { Preset, type PresetApp } from "./index";

// The seed's examples (seed 003), with the event bus replaced by a Preset.

const stops: (() => unknown)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe("seed examples", () => {
  test("adding routes in configure.routes", async () => {
    const preset = new Preset();
    preset.on("configure.routes", addRoutes);
    function addRoutes(app: Harpia) {
      app.get("/", (_req, res) => {
        res.send("Hello World!");
      });
    }
    const built = await preset.createApp({ logger: false, server: { port: 0, hostname: "127.0.0.1" } });
    stops.push(() => built.stop(true));
    const response = await fetch(built.url!);
    expect(await response.text()).toBe("Hello World!");
  });

  test("session ttl defaults to 30 minutes in milliseconds", async () => {
    const preset = new Preset().on("start", () => false);
    const { config } = await preset.createApp({
      logger: false,
      session: { provider: () => (_req, _res, next) => next() },
    });
    expect(config.session?.ttl).toBe(1_800_000);
  });

  const openssl = Bun.which("openssl");
  test.skipIf(!openssl)("serving the app over plain HTTP too, attached once ready", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harpia-preset-seed-"));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const made = Bun.spawnSync([
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
    ]);
    expect(made.exitCode).toBe(0);
    let plainHttp: Server<undefined> | undefined;
    const preset = new Preset()
      .on("configure.routes", (app) => {
        app.get("/", () => "Hello World!");
      })
      // The seed's "enable HTTP requests": once ready, attach the app to a regular HTTP server.
      .on("ready", (app) => {
        plainHttp = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
      });
    const built: PresetApp = await preset.createApp({
      logger: false,
      server: {
        port: 0,
        hostname: "127.0.0.1",
        httpPort: false,
        tls: {
          cert: readFileSync(path.join(dir, "cert.pem"), "utf8"),
          key: readFileSync(path.join(dir, "key.pem"), "utf8"),
        },
      },
    });
    stops.push(
      () => built.stop(true),
      () => plainHttp?.stop(true),
    );
    expect(await (await fetch(plainHttp!.url)).text()).toBe("Hello World!");
    expect(built.servers?.redirect).toBeUndefined();
  });
});
