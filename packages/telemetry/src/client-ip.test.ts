import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { type HarpiaOptions, harpia, MemoryStore } from "@harpia/core";
import { Telemetry } from "./telemetry";

const TOKEN = "client-ip-token-123";
const ALLOWED = "10.0.0.5";

/** A request to `app` from the socket address `socket` (as Bun's server would tell it). */
function from(app: ReturnType<typeof harpia>, socket: string, path: string, headers: Record<string, string>) {
  return app.fetch(new Request(`http://app.example${path}`, { headers }), {
    requestIP: () => ({ address: socket, family: "IPv4", port: 40000 }),
  });
}

function guardedApp(appOptions: HarpiaOptions, trustProxy?: boolean) {
  const telemetry = new Telemetry({
    store: new MemoryStore({ sweepIntervalSeconds: 0 }),
    accessToken: TOKEN,
    allowedIps: [ALLOWED],
    ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  const app = harpia({ logErrors: false, ...appOptions });
  app.use(telemetry.middleware());
  app.get("/", () => "home");
  app.get("/admin/telemetry", telemetry.dashboard());
  return { app, telemetry };
}

let warn: ReturnType<typeof spyOn>;
beforeEach(() => {
  warn = spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe("the visitor's IP is req.ip (the app's trustProxy), never a header telemetry reads itself", () => {
  const spoofed = { authorization: `Bearer ${TOKEN}`, "cf-connecting-ip": ALLOWED, "x-real-ip": ALLOWED };

  test("a client sending CF-Connecting-IP with an allowed IP from a disallowed address is refused", async () => {
    for (const appOptions of [{}, { trustProxy: true }, { trustProxy: 1 }] as HarpiaOptions[]) {
      const { app } = guardedApp(appOptions, true);
      const res = await from(app, "203.0.113.66", "/admin/telemetry?format=json", spoofed);
      expect(res.status).toBe(403);
    }
  });

  test("the spoofed header does not choose the visitor's recorded IP either", async () => {
    const { app, telemetry } = guardedApp({ trustProxy: true }, true);
    await from(app, "203.0.113.66", "/", { "cf-connecting-ip": "198.51.100.1" });
    await telemetry.settled();
    expect(Object.keys(await telemetry.getVisitors({ token: TOKEN, callerIp: ALLOWED }))).toEqual([
      "203.0.113.66",
    ]);
  });

  test("an app that trusts its CDN's header (trustProxy: { header, proxies }) lets the CDN speak", async () => {
    const { app } = guardedApp({ trustProxy: { header: "cf-connecting-ip", proxies: ["172.64.0.0/13"] } });
    const viaCdn = await from(app, "172.64.0.9", "/admin/telemetry?format=json", spoofed);
    expect(viaCdn.status).toBe(200);
    const direct = await from(app, "203.0.113.66", "/admin/telemetry?format=json", spoofed);
    expect(direct.status).toBe(403);
  });

  test("Telemetry's own trustProxy is deprecated: accepted, ignored, one warning per process", async () => {
    // A fresh process, so the once-per-process warning is observed whatever ran before.
    const script =
      'import { Telemetry } from "./src/telemetry"; new Telemetry({ trustProxy: true }); ' +
      'new Telemetry({ trustProxy: 1 }); new Telemetry(); console.log("constructed");';
    const child = Bun.spawn([process.execPath, "-e", script], {
      cwd: `${import.meta.dir}/..`,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    await child.exited;
    expect(stdout.trim()).toBe("constructed");
    const warnings = stderr.split("\n").filter((line) => line.includes("`trustProxy` option is deprecated"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("harpia({ trustProxy })");
  });
});
